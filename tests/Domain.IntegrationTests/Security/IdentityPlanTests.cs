using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence.Identity;
using Domain.Persistence.Rls;
using Npgsql;
using NpgsqlTypes;

namespace Domain.IntegrationTests.Security;

/// <summary>
/// The reads issue 15 adds, executed (<c>EXPLAIN ANALYZE</c>) on the plan tests' populated database: each reads the
/// caller's rows, or the one row it looks for, through an index. Rows read and indexes used, never time.
/// </summary>
[Collection(PlansCollection.Name)]
public sealed class IdentityPlanTests(PlannedDatabase database)
{
    private static readonly DateTimeOffset Month = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private Guid Caller => database.UserIds[database.UserIds.Count / 2];

    [Fact]
    public async Task TheMonthlyLimitCheck_ReadsTheMonthsUsage_WithAnIndexOnlyScan_AndNothingWithoutALimit()
    {
        await using var connection = new NpgsqlConnection(database.AppConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await ClaimsStatement.ApplyAsync(connection, transaction, RlsClaims.Service, readOnly: false, CancellationToken.None);

        var unlimited = await ExplainCheckAsync(connection, transaction);
        Assert.Equal(0, unlimited.RowsReadFrom("usage_logs"));

        await using (var limit = new NpgsqlCommand(
            $"UPDATE public.user_profiles SET monthly_token_limit = 1000 WHERE user_id = '{Caller}'", connection, transaction))
        {
            await limit.ExecuteNonQueryAsync();
        }

        var limited = await ExplainCheckAsync(connection, transaction);
        var scan = Assert.Single(limited.ScansOf("usage_logs"));
        Assert.Equal(("Index Only Scan", "ix_usage_logs_user_id_occurred_at"), (scan.NodeType, scan.Index));
        Assert.Contains("user_id", scan.IndexCondition!, StringComparison.Ordinal);
        Assert.Contains("occurred_at >=", scan.IndexCondition!, StringComparison.Ordinal);
        Assert.Equal(PlannedDatabase.RowsPerUser, scan.RowsRead);
        await transaction.RollbackAsync();
    }

    [Fact]
    public async Task AKeyLookup_ReadsOneRow_ThroughTheUniqueIndexOnItsHash()
    {
        await using var connection = new NpgsqlConnection(database.AppConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await ClaimsStatement.ApplyAsync(connection, transaction, RlsClaims.Service, readOnly: false, CancellationToken.None);

        var plan = await QueryPlan.ExplainAsync(connection, transaction, ApiKeyCommands.FindSql,
        [
            new NpgsqlParameter("hash", NpgsqlDbType.Bytea) { Value = PlannedDatabase.KeyHash(Caller, 3) },
            new NpgsqlParameter("now", NpgsqlDbType.TimestampTz) { Value = Month.AddYears(1) },
            new NpgsqlParameter("resolution", NpgsqlDbType.Interval) { Value = ApiKeyCommands.LastUseResolution },
        ]);
        await transaction.RollbackAsync();

        var lookup = plan.ScansOf("api_keys").First();
        Assert.Equal("ix_api_keys_key_hash", lookup.Index);
        Assert.Equal(1, lookup.RowsRead);
        Assert.All(plan.ScansOf("api_keys"), scan => Assert.NotEqual("Seq Scan", scan.NodeType));
        Assert.All(plan.ScansOf("user_profiles"), scan => Assert.Equal(1, scan.RowsRead));
    }

    [Theory]
    [InlineData("SELECT id FROM public.audit_logs ORDER BY id DESC LIMIT 20", "audit_logs", "owner_id")]
    [InlineData("SELECT id FROM public.api_keys ORDER BY created_at DESC, id DESC LIMIT 20", "api_keys", "user_id")]
    [InlineData("SELECT user_id FROM public.user_profiles ORDER BY created_at DESC LIMIT 20", "user_profiles", "user_id")]
    public async Task APageWithoutAUserFilter_ReadsOnlyTheCallersRows_ThroughAnOwnerIndex(string sql, string table, string owner)
    {
        await using var connection = new NpgsqlConnection(database.AppConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await ClaimsStatement.ApplyAsync(connection, transaction, RlsClaims.ForUser(Caller), readOnly: false, CancellationToken.None);

        var plan = await QueryPlan.ExplainAsync(connection, transaction, sql);

        Assert.All(plan.ScansOf(table), scan =>
        {
            Assert.NotEqual("Seq Scan", scan.NodeType);
            Assert.Contains(owner, scan.IndexCondition ?? string.Empty, StringComparison.Ordinal);
            Assert.Equal(0, scan.RemovedByFilter);
        });
        Assert.True(plan.RowsReadFrom(table) is > 0 and <= PlannedDatabase.RowsPerUser, plan.Json);
    }

    private async Task<QueryPlan> ExplainCheckAsync(NpgsqlConnection connection, NpgsqlTransaction transaction)
        => await QueryPlan.ExplainAsync(connection, transaction, MonthlyUsageQueries.UsageSql,
        [
            new NpgsqlParameter("user_id", NpgsqlDbType.Uuid) { Value = Caller },
            new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = Month },
            new NpgsqlParameter("to", NpgsqlDbType.TimestampTz) { Value = Month.AddMonths(1) },
        ]);
}
