namespace Domain.Application.Identity;

/// <summary>
/// Where a user stands against their monthly limits: what they spent this month (UTC calendar month) and the limits
/// from their profile (null: none).
/// </summary>
public sealed record UsageLimitStatus(
    Guid UserId,
    DateTimeOffset PeriodStart,
    DateTimeOffset PeriodEnd,
    long TokensUsed,
    decimal CostUsdUsed,
    long? TokenLimit,
    decimal? CostLimitUsd)
{
    /// <summary>Whether the profile sets any limit (the usage is read only then, and is 0 otherwise).</summary>
    public bool HasLimits => TokenLimit is not null || CostLimitUsd is not null;

    /// <summary>
    /// The first limit spending <paramref name="tokens"/> and <paramref name="costUsd"/> more would pass, or null when
    /// it stays within both. With nothing asked for (both 0), a limit already reached counts as passed: nothing is left.
    /// </summary>
    public UsageLimitKind? LimitPassedBy(long tokens, decimal costUsd)
    {
        var nothingAsked = tokens == 0 && costUsd == 0;
        if (TokenLimit is { } tokenLimit && (nothingAsked ? TokensUsed >= tokenLimit : TokensUsed + tokens > tokenLimit))
        {
            return UsageLimitKind.Tokens;
        }

        if (CostLimitUsd is { } costLimit && (nothingAsked ? CostUsdUsed >= costLimit : CostUsdUsed + costUsd > costLimit))
        {
            return UsageLimitKind.CostUsd;
        }

        return null;
    }

    /// <summary>Tokens left this month; null without a token limit.</summary>
    public long? TokensLeft => TokenLimit is { } limit ? Math.Max(0, limit - TokensUsed) : null;

    /// <summary>US dollars left this month; null without a cost limit.</summary>
    public decimal? CostUsdLeft => CostLimitUsd is { } limit ? Math.Max(0, limit - CostUsdUsed) : null;
}
