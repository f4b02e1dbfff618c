using BenchmarkDotNet.Attributes;
using Domain.Application.Usage;
using Domain.Persistence.Usage;
using Domain.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace Domain.Benchmarks;

/// <summary>
/// Usage ingest through this project's recorder, in the category of <see cref="Ingest"/> (10,000 rows per operation,
/// rows/s, ratio to its raw COPY) so that the two read as one table. All of these write as the service role, in a
/// transaction EF starts on a context from <c>AsServiceRole()</c>:
/// <list type="bullet">
/// <item><b>Recorder</b>: 10,000 <see cref="UsageRecorder.RecordAsync"/> calls, then <see cref="UsageRecorder.FlushAsync"/>
/// (what a caller that needs them committed waits for);</item>
/// <item><b>Writer</b>: <see cref="UsageLogWriter.AppendAsync"/> alone, one batch of 10,000.</item>
/// </list>
/// The alternatives the writer was chosen against are in <see cref="IngestAlternatives"/>.
/// </summary>
[BenchmarkCategory("ingest 10,000 usage rows")]
public class IngestThroughRecorder : Scenario
{
    public const int Rows = Ingest.Rows;

    internal const string Columns = "id, user_id, service, operation, model, input_tokens, output_tokens, cost_usd, occurred_at";

    private UsageLogWriter _writer = null!;
    private UsageRecorder _recorder = null!;

    [GlobalSetup]
    public async Task StartRecorderAsync()
    {
        _writer = new UsageLogWriter(Db.AppContexts);
        _recorder = new UsageRecorder(_writer, new UsageRecorderOptions(), TimeProvider.System, NullLogger<UsageRecorder>.Instance);
        await _recorder.StartAsync(default);
    }

    [GlobalCleanup]
    public Task StopRecorderAsync() => _recorder.StopAsync(default);

    [Benchmark]
    public async Task Recorder()
    {
        foreach (var record in NewRecords())
        {
            await _recorder.RecordAsync(record);
        }

        await _recorder.FlushAsync();
    }

    [Benchmark]
    public async Task<int> Writer() => (await _writer.AppendAsync(NewRecords())).Written;

    internal static async Task<ulong> CopyAsync(NpgsqlConnection connection, string table, UsageRecord[] records)
    {
        await using var importer = await connection.BeginBinaryImportAsync($"COPY {table} ({Columns}) FROM STDIN (FORMAT BINARY)");
        foreach (var record in records)
        {
            await importer.StartRowAsync();
            await importer.WriteAsync(record.Id, NpgsqlDbType.Uuid);
            await importer.WriteAsync(record.UserId, NpgsqlDbType.Uuid);
            await importer.WriteAsync(record.Service, NpgsqlDbType.Varchar);
            await importer.WriteAsync(record.Operation, NpgsqlDbType.Varchar);
            await importer.WriteAsync(record.Model, NpgsqlDbType.Varchar);
            await importer.WriteAsync(record.InputTokens, NpgsqlDbType.Integer);
            await importer.WriteAsync(record.OutputTokens, NpgsqlDbType.Integer);
            await importer.WriteAsync(record.CostUsd, NpgsqlDbType.Numeric);
            await importer.WriteAsync(record.OccurredAt, NpgsqlDbType.TimestampTz);
        }

        return await importer.CompleteAsync();
    }

    private UsageRecord[] NewRecords() => NewRecords(NextUser().Id);

    internal static UsageRecord[] NewRecords(Guid user) => NewRecords(user, Rows);

    /// <summary>The usage rows every ingest variant writes: <paramref name="count"/> calls of one user, now.</summary>
    internal static UsageRecord[] NewRecords(Guid user, int count)
    {
        var now = DateTimeOffset.UtcNow;
        var records = new UsageRecord[count];
        for (var i = 0; i < count; i++)
        {
            records[i] = UsageRecord.Create(user, "openai", "chat.completion", "model-x", i % 4000, i % 700, 0.000125m * (i % 97), now);
        }

        return records;
    }
}

/// <summary>
/// What <see cref="UsageLogWriter"/> was measured against, in the same category (full runs, or <c>--filter</c>; left
/// out of <c>--quick</c> to keep it under five minutes):
/// <list type="bullet">
/// <item><b>WriterRetry</b>: the writer on the path a retry takes (the stored ids looked up first);</item>
/// <item><b>ServiceRoleCopy</b>: a hand-written COPY of the same rows, no model, in the same kind of transaction;</item>
/// <item><b>TempTableOnConflict</b>: the duplicate-proof write that was not chosen: COPY into a temporary table, then
/// <c>INSERT ... SELECT ... ON CONFLICT (id) DO NOTHING</c>.</item>
/// </list>
/// </summary>
[BenchmarkCategory("ingest 10,000 usage rows")]
public class IngestAlternatives : Scenario
{
    private const string Columns = IngestThroughRecorder.Columns;

    private UsageLogWriter _writer = null!;

    [GlobalSetup]
    public void CreateWriter() => _writer = new UsageLogWriter(Db.AppContexts);

    [Benchmark]
    public async Task<int> WriterRetry() => (await _writer.AppendAsync(IngestThroughRecorder.NewRecords(NextUser().Id), someMayBeStored: true)).Written;

    [Benchmark]
    public async Task<ulong> ServiceRoleCopy()
    {
        await using var db = Db.AppContexts.AsServiceRole();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var written = await IngestThroughRecorder.CopyAsync(connection, "public.usage_logs", IngestThroughRecorder.NewRecords(NextUser().Id));
        await transaction.CommitAsync();
        return written;
    }

    [Benchmark]
    public async Task<int> TempTableOnConflict()
    {
        await using var db = Db.AppContexts.AsServiceRole();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using (var create = new NpgsqlCommand(
            "CREATE TEMP TABLE usage_batch (LIKE public.usage_logs INCLUDING DEFAULTS) ON COMMIT DROP", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        await IngestThroughRecorder.CopyAsync(connection, "usage_batch", IngestThroughRecorder.NewRecords(NextUser().Id));
        int inserted;
        await using (var insert = new NpgsqlCommand(
            $"INSERT INTO public.usage_logs ({Columns}) SELECT {Columns} FROM usage_batch ON CONFLICT (id) DO NOTHING", connection))
        {
            inserted = await insert.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
        return inserted;
    }
}

/// <summary>
/// What a caller pays to record usage: one <see cref="UsageRecorder.RecordAsync"/> on a recorder whose writer keeps
/// up. Each iteration records <see cref="PerIteration"/> fresh records, fewer than the buffer holds, and flushes them
/// in the iteration's cleanup, so the call never waits for room; the writer runs alongside on the same cores.
/// </summary>
[BenchmarkCategory("enqueue one usage record")]
[InvocationCount(PerIteration)]
public class RecordOne : Scenario
{
    public const int PerIteration = 50_000;

    private UsageRecorder _recorder = null!;
    private UsageRecord[] _records = [];
    private int _next;

    [GlobalSetup]
    public async Task StartRecorderAsync()
    {
        var options = new UsageRecorderOptions { Capacity = 2 * PerIteration };
        _recorder = new UsageRecorder(new UsageLogWriter(Db.AppContexts), options, TimeProvider.System, NullLogger<UsageRecorder>.Instance);
        await _recorder.StartAsync(default);
    }

    [GlobalCleanup]
    public Task StopRecorderAsync() => _recorder.StopAsync(default);

    [IterationSetup]
    public void CreateRecords()
    {
        _records = IngestThroughRecorder.NewRecords(NextUser().Id, PerIteration);
        _next = 0;
    }

    [IterationCleanup]
    public void Flush() => _recorder.FlushAsync().GetAwaiter().GetResult();

    [Benchmark]
    public ValueTask RecordAsync() => _recorder.RecordAsync(_records[_next++]);
}
