using Domain.Persistence.Errors;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Domain.Persistence.Identity;

/// <summary>A user's monthly limits (from the profile) and what they spent in the period (from <c>usage_logs</c>).</summary>
public sealed class MonthlyUsage
{
    public long? TokenLimit { get; init; }

    public decimal? CostLimitUsd { get; init; }

    /// <summary>Input and output tokens recorded in the period; 0 when the profile sets no limit (the ledger is not read then).</summary>
    public long TokensUsed { get; init; }

    /// <summary>Cost recorded in the period; 0 when the profile sets no limit.</summary>
    public decimal CostUsdUsed { get; init; }
}

/// <summary>The read the monthly limit check makes: one statement, one round trip.</summary>
public static class MonthlyUsageQueries
{
    /// <summary>
    /// The profile's limits and, only when it sets one (a one-time filter on the lateral sub-select), the sums of the
    /// user's usage in [<c>@from</c>, <c>@to</c>): an index-only scan of <c>ix_usage_logs_user_id_occurred_at</c>, which
    /// carries the summed columns, over the period's entries only.
    /// </summary>
    internal const string UsageSql = """
        SELECT p.monthly_token_limit AS token_limit, p.monthly_cost_limit_usd AS cost_limit_usd,
               coalesce(u.tokens, 0) AS tokens_used, coalesce(u.cost, 0) AS cost_usd_used
          FROM public.user_profiles p
          LEFT JOIN LATERAL (
                SELECT sum(l.input_tokens::bigint + l.output_tokens)::bigint AS tokens, sum(l.cost_usd) AS cost
                  FROM public.usage_logs l
                 WHERE l.user_id = p.user_id AND l.occurred_at >= @from AND l.occurred_at < @to
                   AND (p.monthly_token_limit IS NOT NULL OR p.monthly_cost_limit_usd IS NOT NULL)) u ON true
         WHERE p.user_id = @user_id
        """;

    /// <summary>
    /// <paramref name="userId"/>'s limits and usage between <paramref name="from"/> and <paramref name="to"/>, as the
    /// context's caller may see them (their own, or anyone's for admins and the service role); null when the caller
    /// sees no such profile.
    /// </summary>
    public static async Task<MonthlyUsage?> MonthlyUsageAsync(
        this DomainDbContext db, Guid userId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        try
        {
            var rows = await db.Database.SqlQueryRaw<MonthlyUsage>(
                    UsageSql,
                    new NpgsqlParameter("user_id", NpgsqlDbType.Uuid) { Value = userId },
                    new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = from.ToUniversalTime() },
                    new NpgsqlParameter("to", NpgsqlDbType.TimestampTz) { Value = to.ToUniversalTime() })
                .ToListAsync(cancellationToken);
            return rows.Count == 0 ? null : rows[0];
        }
        catch (PostgresException ex) when (DatabaseErrorTranslator.Translate(ex) is { } translated)
        {
            throw translated;
        }
    }
}
