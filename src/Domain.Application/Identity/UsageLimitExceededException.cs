namespace Domain.Application.Identity;

/// <summary>Which of a user's monthly limits.</summary>
public enum UsageLimitKind
{
    /// <summary>Tokens, input and output together.</summary>
    Tokens,

    /// <summary>Cost in US dollars.</summary>
    CostUsd,
}

/// <summary>
/// A user's spending would go past a monthly limit on their profile: nothing should be spent. Carries which limit, the
/// limit, what was already used this month and what the operation asked for, and when the month ends (when the limit
/// allows spending again). Not retryable before then, unless the limit is raised.
/// </summary>
public sealed class UsageLimitExceededException : Exception
{
    public UsageLimitExceededException(Guid userId, UsageLimitKind kind, decimal limit, decimal used, decimal requested, DateTimeOffset periodEnd)
        : base($"User {userId} may spend {Describe(kind, limit)} a month; {Describe(kind, used)} are used and this needs "
            + $"{Describe(kind, requested)} more. The limit allows spending again at {periodEnd:O}.")
    {
        UserId = userId;
        Kind = kind;
        Limit = limit;
        Used = used;
        Requested = requested;
        PeriodEnd = periodEnd;
    }

    public UsageLimitExceededException()
    {
    }

    public UsageLimitExceededException(string message)
        : base(message)
    {
    }

    public UsageLimitExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public Guid UserId { get; }

    /// <summary>Which limit would be passed.</summary>
    public UsageLimitKind Kind { get; }

    /// <summary>The limit for the month (tokens, or US dollars).</summary>
    public decimal Limit { get; }

    /// <summary>What the user already spent this month, in the same unit.</summary>
    public decimal Used { get; }

    /// <summary>What the refused operation asked for, in the same unit.</summary>
    public decimal Requested { get; }

    /// <summary>When the month ends (UTC).</summary>
    public DateTimeOffset PeriodEnd { get; }

    private static string Describe(UsageLimitKind kind, decimal amount)
        => kind == UsageLimitKind.Tokens ? $"{amount:0} tokens" : $"{amount} USD";
}
