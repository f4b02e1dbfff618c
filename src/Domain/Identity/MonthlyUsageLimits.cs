using Domain.Common;
using Domain.Usage;

namespace Domain.Identity;

/// <summary>
/// How much a user may spend in one calendar month (UTC): tokens (input and output together) and cost in US dollars.
/// A null limit is no limit; zero allows nothing.
/// </summary>
public sealed record MonthlyUsageLimits
{
    private MonthlyUsageLimits(long? tokens, decimal? costUsd)
    {
        Tokens = tokens;
        CostUsd = costUsd;
    }

    /// <summary>No limit on either.</summary>
    public static MonthlyUsageLimits None { get; } = new(null, null);

    /// <summary>The most tokens a month; null for no limit.</summary>
    public long? Tokens { get; }

    /// <summary>The most cost a month, in US dollars to the micro-dollar; null for no limit.</summary>
    public decimal? CostUsd { get; }

    /// <summary>Whether either limit is set.</summary>
    public bool Any => Tokens is not null || CostUsd is not null;

    /// <summary>Limits of <paramref name="tokens"/> and <paramref name="costUsd"/> (null: unlimited).</summary>
    /// <exception cref="DomainException">A limit is negative, or the cost has more than six decimals or is too large.</exception>
    public static MonthlyUsageLimits Of(long? tokens, decimal? costUsd)
    {
        if (tokens is < 0)
        {
            throw new DomainException("monthly_token_limit.negative", $"monthly_token_limit must not be negative (got {tokens}).");
        }

        if (costUsd is { } cost && (cost < 0 || cost > UsageLimits.MaxCostUsd || decimal.Round(cost, UsageLimits.CostScale) != cost))
        {
            throw new DomainException(
                "monthly_cost_limit_usd.invalid",
                $"monthly_cost_limit_usd must be between 0 and {UsageLimits.MaxCostUsd} with at most {UsageLimits.CostScale} decimals (got {cost}).");
        }

        return tokens is null && costUsd is null ? None : new MonthlyUsageLimits(tokens, costUsd);
    }
}
