using Domain.Application.Common;
using Domain.Persistence.Identity;
using FluentValidation;

namespace Domain.Application.Identity;

/// <summary>
/// Whether a user is within the monthly limits on their profile: what the user spent this UTC calendar month, read from
/// <c>usage_logs</c> through the index <c>ix_usage_logs_user_id_occurred_at</c> (an index-only scan of this month's
/// entries; the ledger is not read at all when the profile sets no limit), against the limits. Ask before spending:
/// <see cref="EnsureWithinLimitsAsync"/> throws <see cref="UsageLimitExceededException"/> when the estimate would pass a
/// limit. The caller is the user (their own profile and usage, under row-level security) or the backend.
/// </summary>
/// <remarks>
/// What the check sees is what is committed: records still in the <c>UsageRecorder</c>'s buffer (at most its linger and
/// one batch write, about 20 ms by default) are not counted yet, and two requests checking at once both see room. The
/// limits are a budget, not a lock: a burst can pass one by what it spends concurrently.
/// </remarks>
public sealed class UsageLimitCheck(RequestPipeline pipeline, TimeProvider clock)
{
    /// <summary>The user's usage this month and their limits.</summary>
    /// <exception cref="ValidationException">The request is invalid; nothing was sent.</exception>
    /// <exception cref="NotFoundException">The user has no profile, or the caller may not see it.</exception>
    public Task<UsageLimitStatus> CheckAsync(Caller caller, CheckUsageLimitsRequest request, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, request, async (context, r, ct) =>
        {
            var (start, end) = MonthOf(clock.GetUtcNow());
            var usage = await context.MonthlyUsageAsync(r.UserId, start, end, ct) ?? throw new NotFoundException("Profile", r.UserId);
            return new UsageLimitStatus(r.UserId, start, end, usage.TokensUsed, usage.CostUsdUsed, usage.TokenLimit, usage.CostLimitUsd);
        }, cancellationToken);

    /// <summary>
    /// Checks as <see cref="CheckAsync"/> does and refuses spending that would pass a limit: the estimate added to this
    /// month's usage must stay within each limit (with no estimate, something must be left of each).
    /// </summary>
    /// <exception cref="UsageLimitExceededException">A limit would be passed; the exception says which, the limit, the usage and the request.</exception>
    public async Task<UsageLimitStatus> EnsureWithinLimitsAsync(Caller caller, CheckUsageLimitsRequest request, CancellationToken cancellationToken = default)
    {
        var status = await CheckAsync(caller, request, cancellationToken);
        switch (status.LimitPassedBy(request.EstimatedTokens, request.EstimatedCostUsd))
        {
            case UsageLimitKind.Tokens:
                throw new UsageLimitExceededException(
                    request.UserId, UsageLimitKind.Tokens, status.TokenLimit!.Value, status.TokensUsed, request.EstimatedTokens, status.PeriodEnd);
            case UsageLimitKind.CostUsd:
                throw new UsageLimitExceededException(
                    request.UserId, UsageLimitKind.CostUsd, status.CostLimitUsd!.Value, status.CostUsdUsed, request.EstimatedCostUsd, status.PeriodEnd);
            default:
                return status;
        }
    }

    /// <summary>The UTC calendar month <paramref name="now"/> falls in, as [start, end).</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) MonthOf(DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        var start = new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero);
        return (start, start.AddMonths(1));
    }
}
