using System.Globalization;
using BenchmarkDotNet.Attributes;
using Domain.Persistence.Sessions;
using Domain.Persistence.Usage;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Domain.Benchmarks;

/// <summary>
/// What the audit trail (issue 15) costs "add one revision" and the ingest: the same operations with every audit
/// trigger in the database enabled (<see cref="AuditTrail"/> <c>on</c>, as shipped) and disabled (<c>off</c>, with
/// <c>ALTER TABLE … DISABLE TRIGGER</c> on each audited table in the global setup; the global cleanup enables them
/// again). A revision moves the session's <c>current_ir</c>, which is recorded; the existing <see cref="AddRevision"/>
/// scenario sends the same IR every time, so after the first call per session its update changes only excluded columns
/// and writes no entry: the <c>SameIr</c> variants measure that case (the trigger's condition alone), the <c>NewIr</c>
/// variants a revision whose IR differs from the current one (one entry with the IR before and after).
/// <c>--audit-cost N</c> runs the same operations on and off interleaved (<see cref="AuditCostRun"/>), which a shared
/// machine's drift disturbs less than BenchmarkDotNet's one state after the other.
/// </summary>
[BenchmarkCategory("the audit trail's cost")]
public class AuditTrailCost : Scenario
{
    private const string SameIr = """{"goal":"benchmark","step":"next"}""";

    private static readonly string[] TriggerNames = ["audit_row_changes", "audit_row_updates", "audit_truncate"];

    private int _step;
    private UsageLogWriter? _writer;

    /// <summary><c>on</c>: the audit triggers as shipped; <c>off</c>: every one of them disabled.</summary>
    [Params("on", "off")]
    public string AuditTrail { get; set; } = "on";

    [GlobalSetup]
    public async Task SetTriggersAsync()
    {
        _writer ??= new UsageLogWriter(Db.AppContexts);
        await SetAuditTriggersAsync(enabled: AuditTrail == "on");
    }

    [GlobalCleanup]
    public Task EnableTriggersAsync() => SetAuditTriggersAsync(enabled: true);

    /// <summary>The one-statement append the store uses, with an IR that differs from the session's current one.</summary>
    [Benchmark]
    public async Task<AppendedRevision?> AddRevisionNewIr()
    {
        var user = NextUser();
        await using var db = ForUser(user.Id);
        return await db.AppendRevisionAsync(user.Sessions[0], NewIr(), null, DateTimeOffset.UtcNow);
    }

    /// <summary>The one-statement append with the IR the session already holds (as <see cref="AddRevision"/> sends it).</summary>
    [Benchmark]
    public async Task<AppendedRevision?> AddRevisionSameIr()
    {
        var user = NextUser();
        await using var db = ForUser(user.Id);
        return await db.AppendRevisionAsync(user.Sessions[1], SameIr, null, DateTimeOffset.UtcNow);
    }

    /// <summary>Through the aggregate and SaveChanges, with a new IR.</summary>
    [Benchmark]
    public async Task AddRevisionThroughAggregateNewIr()
    {
        var user = NextUser();
        await using var db = ForUser(user.Id);
        var session = await db.Sessions.SingleAsync(s => s.Id == user.Sessions[2]);
        session.AddRevision(NewIr(), null, DateTimeOffset.UtcNow);
        await db.SaveChangesAsync();
    }

    /// <summary>The ingest as the usage recorder writes it: one batch of 10,000 usage rows (<c>usage_logs</c> is not audited).</summary>
    [Benchmark]
    public async Task<int> Ingest10000() => (await _writer!.AppendAsync(IngestThroughRecorder.NewRecords(NextUser().Id))).Written;

    private string NewIr() => string.Create(
        CultureInfo.InvariantCulture, $$"""{"goal":"benchmark","step":{{Interlocked.Increment(ref _step)}}}""");

    private static async Task SetAuditTriggersAsync(bool enabled)
    {
        await using var connection = await Db.OwnerDataSource.OpenConnectionAsync();
        var tables = new List<string>();
        await using (var find = new NpgsqlCommand(
            "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE n.nspname = 'public' AND t.tgname = ANY (@names) ORDER BY 1",
            connection))
        {
            find.Parameters.AddWithValue("names", TriggerNames);
            await using var reader = await find.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        if (tables.Count == 0)
        {
            throw new InvalidOperationException("No audited table was found: the benchmark database is not migrated as shipped.");
        }

        var verb = enabled ? "ENABLE" : "DISABLE";
        foreach (var table in tables)
        {
            foreach (var trigger in TriggerNames)
            {
                await using var alter = new NpgsqlCommand($"ALTER TABLE public.\"{table}\" {verb} TRIGGER {trigger}", connection);
                await alter.ExecuteNonQueryAsync();
            }
        }
    }
}
