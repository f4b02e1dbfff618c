using System.Data.Common;
using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence;
using Domain.Persistence.Rls;
using Domain.Sessions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Domain.IntegrationTests.Security;

/// <summary>
/// A query that relies on the policies alone, as a Supabase client sends it and as LINQ without a user filter reads,
/// reads only the caller's rows through an index on the owner column: the owner check is one indexable predicate.
/// Executed plans (<c>EXPLAIN ANALYZE</c>) on a database of many users with a few rows each, as <c>authenticated</c>
/// with the caller's claims; the assertions are on rows read and indexes used, never on time.
/// </summary>
[Collection(PlansCollection.Name)]
public sealed class PolicyPlanTests(PlannedDatabase database)
{
    /// <summary>Each table with an owner, and the column its newest-first page orders by.</summary>
    public static TheoryData<string, string> OwnerTables => new()
    {
        { "sessions", "created_at" },
        { "session_revisions", "created_at" },
        { "session_drafts", "created_at" },
        { "hole_resolutions", "created_at" },
        { "conversations", "created_at" },
        { "messages", "created_at" },
        { "usage_logs", "occurred_at" },
        { "prompt_performance", "occurred_at" },
        { "files", "created_at" },
        { "provider_file_uploads", "created_at" },
        { "conversation_files", "attached_at" },
    };

    private Guid Caller => database.UserIds[database.UserIds.Count / 2];

    [Theory]
    [MemberData(nameof(OwnerTables))]
    public async Task APageWithoutAUserFilter_ReadsOnlyTheCallersRows_ThroughAnOwnerIndex(string table, string newest)
    {
        var key = table == "conversation_files" ? "file_id" : "id";
        var plan = await ExplainAsAsync(RlsClaims.ForUser(Caller), $"SELECT {key}, {newest} FROM public.{table} ORDER BY {newest} DESC LIMIT 20");

        AssertReadsOnlyTheCallersRows(plan, table, PlannedDatabase.RowsPerUser);
        Assert.All(plan.ScansOf(table), scan => Assert.Equal(0, scan.RemovedByFilter));
    }

    [Fact]
    public async Task ReadmesFirstQuery_ActiveSessionsNewestFirst_ReadsOnlyTheCallersSessions()
    {
        var (sql, parameters, rows) = await CaptureAsync(db => db.Sessions
            .Where(s => s.Status == SessionStatus.Active)
            .OrderByDescending(s => s.CreatedAt)
            .Take(20)
            .ToListAsync());
        Assert.Equal(PlannedDatabase.ActiveSessionsPerUser, rows);

        var plan = await ExplainAsAsync(RlsClaims.ForUser(Caller), sql, parameters);

        AssertReadsOnlyTheCallersRows(plan, "sessions", PlannedDatabase.RowsPerUser);
    }

    [Fact]
    public async Task ReadmesSecondQuery_ASessionById_ReadsOneRow()
    {
        var id = database.NewestSession[Caller];
        var (sql, parameters, rows) = await CaptureAsync(async db => new[] { await db.Sessions.SingleAsync(s => s.Id == id) });
        Assert.Equal(1, rows);

        var plan = await ExplainAsAsync(RlsClaims.ForUser(Caller), sql, parameters);

        var scan = Assert.Single(plan.ScansOf("sessions"));
        Assert.Contains("(id = ", scan.IndexCondition ?? string.Empty, StringComparison.Ordinal);
        Assert.Equal(1, scan.RowsRead);
    }

    /// <summary>
    /// The shape this project had before admins had a role of their own, restored for one rolled-back transaction: a
    /// second permissive SELECT policy for authenticated. The same page then reads far more than the caller's rows,
    /// which is what the tests above would catch.
    /// </summary>
    [Fact]
    public async Task WithASecondPermissivePolicyForAuthenticated_ThePageReadsOtherUsersRows()
    {
        await using var connection = new NpgsqlConnection(database.AdminConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var policy = new NpgsqlCommand(
            "CREATE POLICY probe_select_admin ON public.sessions FOR SELECT TO authenticated "
            + "USING (((SELECT auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin')",
            connection,
            transaction))
        {
            await policy.ExecuteNonQueryAsync();
        }

        await ClaimsStatement.ApplyAsync(connection, transaction, RlsClaims.ForUser(Caller), readOnly: false, CancellationToken.None);
        var plan = await QueryPlan.ExplainAsync(connection, transaction, "SELECT id, created_at FROM public.sessions ORDER BY created_at DESC LIMIT 20");
        await transaction.RollbackAsync();

        Assert.True(plan.RowsReadFrom("sessions") > 10 * PlannedDatabase.RowsPerUser, plan.Json);
    }

    private static void AssertReadsOnlyTheCallersRows(QueryPlan plan, string table, int callersRows)
    {
        var scans = plan.ScansOf(table);
        Assert.NotEmpty(scans);
        Assert.All(scans, scan =>
        {
            Assert.DoesNotContain("Seq Scan", scan.NodeType, StringComparison.Ordinal);
            Assert.NotNull(scan.Index);
            Assert.Contains("user_id", scan.IndexCondition ?? string.Empty, StringComparison.Ordinal);
        });
        Assert.True(plan.RowsReadFrom(table) <= callersRows, $"{plan.RowsReadFrom(table)} rows read from {table}:\n{plan.Json}");
    }

    /// <summary>
    /// Runs the explained statement in a transaction that acts for <paramref name="claims"/> the way EF's claims
    /// interceptor makes it act (the same claims statement, on the application's login role).
    /// </summary>
    private async Task<QueryPlan> ExplainAsAsync(RlsClaims claims, string sql, IEnumerable<NpgsqlParameter>? parameters = null)
    {
        await using var connection = new NpgsqlConnection(database.AppConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await ClaimsStatement.ApplyAsync(connection, transaction, claims, readOnly: false, CancellationToken.None);
        return await QueryPlan.ExplainAsync(connection, transaction, sql, parameters);
    }

    /// <summary>The SQL and parameters EF sends for <paramref name="query"/> acting for the caller, and how many rows it returned.</summary>
    private async Task<(string Sql, List<NpgsqlParameter> Parameters, int Rows)> CaptureAsync<T>(Func<DomainDbContext, Task<T>> query)
        where T : System.Collections.ICollection
    {
        var capture = new CommandCapture();
        var contexts = new DomainDbContextFactory(new DbContextOptionsBuilder<DomainDbContext>()
            .UseDomainDatabase(database.AppConnectionString)
            .AddInterceptors(capture)
            .Options);
        await using var db = contexts.ForUser(Caller);
        await using IDbContextTransaction transaction = await db.Database.BeginTransactionAsync();
        var rows = (await query(db)).Count;
        var command = Assert.Single(capture.Commands);
        return (command.Sql, command.Parameters, rows);
    }

    /// <summary>Records the text and a copy of the parameters of each query EF sends (inside a transaction, so without the claims prepended).</summary>
    private sealed class CommandCapture : DbCommandInterceptor
    {
        public List<(string Sql, List<NpgsqlParameter> Parameters)> Commands { get; } = [];

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Commands.Add((command.CommandText, [.. command.Parameters.Cast<NpgsqlParameter>().Select(p => p.Clone())]));
            return ValueTask.FromResult(result);
        }
    }
}
