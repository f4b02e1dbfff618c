using Domain.Application.Usage;
using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence;
using Domain.Persistence.Errors;
using Domain.Persistence.Ledgers;
using Domain.Persistence.Rls;
using Domain.Persistence.Usage;
using Domain.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Domain.IntegrationTests.Usage;

/// <summary>
/// <see cref="UsageRecorder"/> against the real database: every accepted record lands exactly once with all its
/// values, written as the service role, through full buffers, outages, lost commit acknowledgements and refusals.
/// </summary>
public sealed class UsageRecorderTests(MigratedDatabase database) : DatabaseTest(database)
{
    /// <summary>A guard against hangs only: no test asserts how long anything takes.</summary>
    private static readonly TimeSpan Hang = TimeSpan.FromMinutes(2);

    private readonly List<UsageRecorder> _recorders = [];
    private readonly List<IAsyncDisposable> _disposables = [];

    private RecordingLogger<UsageRecorder> Log { get; } = new();

    public override async Task DisposeAsync()
    {
        foreach (var recorder in _recorders)
        {
            await recorder.DisposeAsync();
        }

        foreach (var disposable in _disposables)
        {
            await disposable.DisposeAsync();
        }
    }

    [Fact]
    public async Task RecordAsync_ThenFlushAsync_StoresEveryRecordOnceWithAllItsValues()
    {
        var recorder = await StartAsync(o => o.BatchSize = 64);
        var alice = Guid.CreateVersion7();
        var now = Microseconds(Clock.GetUtcNow());
        var records = new List<UsageRecord>
        {
            UsageRecord.Create(alice, "openai", "chat.completion", null, 0, 0, 0m, now),
            UsageRecord.Create(alice, new string('s', UsageLimits.ServiceMaxLength), new string('o', UsageLimits.OperationMaxLength),
                new string('m', UsageLimits.ModelMaxLength), int.MaxValue, int.MaxValue, UsageLimits.MaxCostUsd, now.AddYears(-3)),
            UsageRecord.Create(alice, "kimi", "émbeddings ✓", "モデル", 1, 2, 0.000001m, now.ToOffset(TimeSpan.FromHours(5.5))),
        };
        for (var i = 0; i < 500; i++)
        {
            records.Add(Usage(Guid.CreateVersion7(), i, now.AddMilliseconds(-i)));
        }

        foreach (var record in records)
        {
            await recorder.RecordAsync(record);
        }

        await recorder.FlushAsync().WaitAsync(Hang);

        Assert.Equal(Expected(records), await StoredAsync());
    }

    [Fact]
    public async Task RecordedUsage_IsWrittenThroughTheServiceRolesClaims_EachUserReadsOnlyTheirOwn()
    {
        var alice = await Database.CreateUserAsync();
        var bob = await Database.CreateUserAsync();
        var recorder = await StartAsync();
        UsageRecord[] alices = [Usage(alice, 1), Usage(alice, 2), Usage(alice, 3)];
        UsageRecord[] bobs = [Usage(bob, 4), Usage(bob, 5)];
        foreach (var record in alices.Concat(bobs))
        {
            await recorder.RecordAsync(record);
        }

        await recorder.FlushAsync().WaitAsync(Hang);

        await using (var db = Database.ContextFor(RlsClaims.ForUser(alice)))
        {
            Assert.Equal(alices.Select(r => r.Id).Order(), await db.UsageLogs.Select(u => u.Id).OrderBy(id => id).ToListAsync());
        }

        await using (var db = Database.ContextFor(RlsClaims.Anonymous))
        {
            Assert.Equal(0, await db.UsageLogs.CountAsync());
        }

        // The recorder connects as the application's login role, which owns nothing and may not insert by itself,
        // with or without COPY: the service role's claims are what let the rows in.
        await using var login = new NpgsqlConnection(Database.AppConnectionString);
        await login.OpenAsync();
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO public.usage_logs (id, user_id, service, operation, input_tokens, output_tokens, cost_usd, occurred_at) "
            + "VALUES (gen_random_uuid(), gen_random_uuid(), 'x', 'y', 0, 0, 0, now())", login))
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => insert.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }

        var copyRefused = await Assert.ThrowsAsync<PostgresException>(
            async () => await login.BeginBinaryImportAsync("COPY public.usage_logs (id) FROM STDIN (FORMAT BINARY)"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, copyRefused.SqlState);

        Assert.Equal(5L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.usage_logs"));
    }

    [Fact]
    public async Task FlushAsync_CompletesExactlyWhenEverythingRecordedBeforeItIsCommitted()
    {
        // The clock is frozen and the linger long: a batch is only written because a flush asked for it, so a flush
        // that waited for a timer would never return.
        var recorder = await StartAsync(o => (o.BatchSize, o.Linger) = (1_000, TimeSpan.FromSeconds(10)), time: new FakeTimeProvider(TimeProvider.System.GetUtcNow()));
        var recorded = new List<UsageRecord>();
        foreach (var size in new[] { 1, 7, 1_000, 2_501, 3 })
        {
            for (var i = 0; i < size; i++)
            {
                var record = Usage(Guid.CreateVersion7(), recorded.Count);
                recorded.Add(record);
                await recorder.RecordAsync(record);
            }

            await recorder.FlushAsync().WaitAsync(Hang);

            Assert.Equal((long)recorded.Count, await Database.ScalarAsync<long>("SELECT count(*) FROM public.usage_logs"));
        }

        Assert.True(recorder.FlushAsync().IsCompletedSuccessfully, "a flush with nothing recorded since the last one completes at once");
        Assert.Equal(Expected(recorded), await StoredAsync());
    }

    [Fact]
    public async Task RecordAsync_From8ConcurrentProducers_StoresAll10000Once()
    {
        var recorder = await StartAsync(o => (o.Capacity, o.BatchSize) = (1_000, 300));
        var producers = Enumerable.Range(0, 8).Select(p => Task.Run(async () =>
        {
            var mine = Enumerable.Range(0, 1_250).Select(i => Usage(Guid.CreateVersion7(), (p * 1_250) + i)).ToList();
            foreach (var record in mine)
            {
                await recorder.RecordAsync(record);
            }

            // Every producer's own flush covers at least its own records, whatever the others are doing.
            await recorder.FlushAsync();
            var ids = mine.ConvertAll(r => r.Id);
            var stored = await Database.ScalarAsync<long>("SELECT count(*) FROM public.usage_logs WHERE id = ANY(@ids)", ("ids", ids));
            Assert.Equal(1_250L, stored);
            return mine;
        })).ToList();

        var all = (await Task.WhenAll(producers).WaitAsync(Hang)).SelectMany(r => r).ToList();

        Assert.Equal(10_000, all.Count);
        Assert.Equal(Expected(all), await StoredAsync());
    }

    [Fact]
    public async Task RecordAsync_WhenBufferIsFull_WaitsAndLosesNothing()
    {
        const int capacity = 10;
        const int batchSize = 5;
        var recorder = await StartAsync(o => (o.Capacity, o.BatchSize, o.Linger) = (capacity, batchSize, TimeSpan.Zero));
        var records = Enumerable.Range(0, 40).Select(i => Usage(Guid.CreateVersion7(), i)).ToList();

        List<Task> calls;
        await using (var blocker = await LockUsageLogsAsync())
        {
            // The writer's COPY waits for the lock, holding at most one batch: the buffer fills and callers wait.
            calls = records.ConvertAll(r => recorder.RecordAsync(r).AsTask());
            var accepted = calls.Count(c => c.IsCompletedSuccessfully);
            Assert.InRange(accepted, capacity, capacity + batchSize);
            Assert.Contains(calls, c => !c.IsCompleted);
            Assert.Equal(0L, await blocker.CountAsync());
        }

        await Task.WhenAll(calls).WaitAsync(Hang);
        await recorder.FlushAsync().WaitAsync(Hang);

        Assert.Equal(Expected(records), await StoredAsync());
    }

    [Fact]
    public async Task FlushAsync_AfterTheRecordersConnectionsAreKilledAndRefused_RetriesAndLosesNothing()
    {
        var (proxy, contexts, application) = Proxied();
        var recorder = await StartAsync(contexts: contexts);
        var before = await RecordAsync(recorder, 100);
        await recorder.FlushAsync().WaitAsync(Hang);

        // The server kills the recorder's (idle, pooled) connection, then the network refuses new ones.
        var terminated = await Database.ScalarAsync<long>(
            "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = @app) AS t",
            ("app", application));
        proxy.GoDown();
        var during = await RecordAsync(recorder, 100);
        await Log.WaitForAsync(e => e.Level == LogLevel.Warning && e.Values.ContainsKey("Failures")).WaitAsync(Hang);
        var more = await RecordAsync(recorder, 100);
        proxy.ComeBack();

        await recorder.FlushAsync().WaitAsync(Hang);

        Assert.True(terminated >= 1, "the recorder's pooled connection was terminated by the server");
        Assert.Equal(Expected([.. before, .. during, .. more]), await StoredAsync());
        Assert.DoesNotContain(Log.Entries, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task RetryAfterACommitWhoseAcknowledgementWasLost_StoresEachRecordOnce()
    {
        var (proxy, contexts, _) = Proxied();
        var recorder = await StartAsync(contexts: contexts);
        proxy.LoseNextCommitAcknowledgement();

        var records = await RecordAsync(recorder, 500);
        await recorder.FlushAsync().WaitAsync(Hang);

        Assert.Equal(1, proxy.CommitAcknowledgementsLost);
        Assert.Equal(Expected(records), await StoredAsync());
        var recovered = await Log.WaitForAsync(e => e.Level == LogLevel.Information && e.Values.ContainsKey("AlreadyStored"));
        Assert.True(recovered.Value<int>("AlreadyStored") > 0, "the retry found the batch committed and skipped it");
        Assert.DoesNotContain(Log.Entries, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task RecordAsync_SameRecordTwice_StoresItOnceAndWarns()
    {
        var recorder = await StartAsync();
        var record = Usage(Guid.CreateVersion7(), 1);
        await recorder.RecordAsync(record);
        await recorder.FlushAsync().WaitAsync(Hang);

        await recorder.RecordAsync(record);
        await recorder.FlushAsync().WaitAsync(Hang);

        Assert.Equal(Expected([record]), await StoredAsync());
        var warning = await Log.WaitForAsync(e => e.Level == LogLevel.Warning && e.Values.ContainsKey("AlreadyStored"));
        Assert.Equal(1, warning.Value<int>("AlreadyStored"));
    }

    [Fact]
    public async Task UsageLogWriter_WhenSomeIdsAreStoredOrRepeated_WritesEachIdOnce()
    {
        var writer = new UsageLogWriter(Database.Contexts);
        var records = Enumerable.Range(0, 10).Select(i => Usage(Guid.CreateVersion7(), i)).ToList();

        Assert.Equal(new LedgerAppendResult(5, 0), await writer.AppendAsync(records[..5]));
        // Not told that some may be stored: the primary key says so, and the batch is written again without them.
        Assert.Equal(new LedgerAppendResult(3, 3), await writer.AppendAsync([.. records[3..8], records[7]]));
        // Told: the stored ids are looked up first.
        Assert.Equal(new LedgerAppendResult(2, 9), await writer.AppendAsync([.. records, records[9]], someMayBeStored: true));

        Assert.Equal(Expected(records), await StoredAsync());
    }

    [Fact]
    public async Task FlushAsync_WhenTheServiceRoleMayNotInsert_ThrowsWithTheCount_AndWritesThemOnceItMayAgain()
    {
        var recorder = await StartAsync();
        List<UsageRecord> records;
        try
        {
            await RevokeInsertFromServiceRoleAsync();
            records = await RecordAsync(recorder, 10);

            var refused = await Assert.ThrowsAsync<UsageRecordingException>(() => recorder.FlushAsync().WaitAsync(Hang));

            Assert.Equal(10, refused.UnwrittenCount);
            Assert.IsType<RlsViolationException>(refused.InnerException);
            Assert.Contains("10 usage records", refused.Message, StringComparison.Ordinal);
            var logged = await Log.WaitForAsync(e => e.Level == LogLevel.Error);
            Assert.Equal(records[0].Id, logged.Value<Guid>("FirstId"));
            Assert.InRange(logged.Value<int>("Count"), 1, 10);
            Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.usage_logs"));
        }
        finally
        {
            await GrantInsertToServiceRoleAsync();
        }

        // The records were kept: once the grant is back, the next flush writes them.
        await recorder.FlushAsync().WaitAsync(Hang);
        Assert.Equal(Expected(records), await StoredAsync());
    }

    [Fact]
    public async Task StopAsync_WhenTheServiceRoleMayNotInsert_ThrowsAndHandsBackEveryRecord()
    {
        var recorder = await StartAsync();
        try
        {
            await RevokeInsertFromServiceRoleAsync();
            var records = await RecordAsync(recorder, 10);

            var refused = await Assert.ThrowsAsync<UsageRecordingException>(() => recorder.StopAsync(default).WaitAsync(Hang));

            Assert.Equal(10, refused.UnwrittenCount);
            Assert.Equal(records.Select(r => r.Id), refused.UnwrittenRecords.Select(r => r.Id));
            Assert.IsType<RlsViolationException>(refused.InnerException);
            Assert.Contains(
                Log.Entries, e => e.Level == LogLevel.Error && e.Values.TryGetValue("Count", out var count) && Equals(count, 10L));
            await Assert.ThrowsAsync<UsageRecordingException>(() => recorder.FlushAsync());
        }
        finally
        {
            await GrantInsertToServiceRoleAsync();
        }
    }

    [Fact]
    public async Task StopAsync_WhenTheDatabaseStaysUnreachableUntilItsDeadline_HandsBackEveryRecord()
    {
        var (proxy, contexts, _) = Proxied();
        proxy.GoDown();
        var recorder = await StartAsync(contexts: contexts);
        var records = await RecordAsync(recorder, 20);
        await Log.WaitForAsync(e => e.Level == LogLevel.Warning && e.Values.ContainsKey("Failures")).WaitAsync(Hang);

        using var deadline = new CancellationTokenSource();
        var stopping = recorder.StopAsync(deadline.Token);
        await Assert.ThrowsAsync<InvalidOperationException>(() => recorder.RecordAsync(Usage(Guid.CreateVersion7(), 99)).AsTask());
        await deadline.CancelAsync();

        var unwritten = await Assert.ThrowsAsync<UsageRecordingException>(() => stopping.WaitAsync(Hang));
        Assert.Equal(20, unwritten.UnwrittenCount);
        Assert.Equal(records.Select(r => r.Id).Order(), unwritten.UnwrittenRecords.Select(r => r.Id).Order());
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.usage_logs"));
    }

    [Fact]
    public async Task StopAsync_WritesEverythingQueued_ThenRecordAsyncThrows()
    {
        var recorder = await StartAsync();
        var records = await RecordAsync(recorder, 20_000);

        await recorder.StopAsync(default).WaitAsync(Hang);

        Assert.Equal(Expected(records), await StoredAsync());
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(
            () => recorder.RecordAsync(Usage(Guid.CreateVersion7(), 1)).AsTask());
        Assert.Contains("stopped", refused.Message, StringComparison.Ordinal);
        await recorder.FlushAsync();
    }

    [Fact]
    public async Task RecordAsync_WaitingForRoomWhenStopBegins_ThrowsAndEveryAcceptedRecordIsWritten()
    {
        var recorder = await StartAsync(o => (o.Capacity, o.BatchSize, o.Linger) = (10, 5, TimeSpan.Zero));
        var records = Enumerable.Range(0, 40).Select(i => Usage(Guid.CreateVersion7(), i)).ToList();
        List<Task> calls;
        Task stopping;
        await using (await LockUsageLogsAsync())
        {
            calls = records.ConvertAll(r => recorder.RecordAsync(r).AsTask());
            stopping = recorder.StopAsync(default);

            // The writer is blocked, yet no call is left waiting: the stop refuses every one still waiting for room.
            await Task.WhenAll(calls.Select(c => c.ContinueWith(_ => { }, TaskScheduler.Default))).WaitAsync(Hang);
        }

        await stopping.WaitAsync(Hang);

        var accepted = records.Where((_, i) => calls[i].IsCompletedSuccessfully).ToList();
        var refused = calls.Where(c => !c.IsCompletedSuccessfully).ToList();
        Assert.InRange(accepted.Count, 10, 15);
        Assert.All(refused, c => Assert.IsType<InvalidOperationException>(c.Exception?.InnerException));
        Assert.Equal(Expected(accepted), await StoredAsync());
    }

    [Fact]
    public async Task DisposeAsync_WithoutStop_WritesWhatIsQueued()
    {
        var recorder = await StartAsync(o => o.Linger = TimeSpan.FromSeconds(5));
        var records = await RecordAsync(recorder, 50);

        await recorder.DisposeAsync().AsTask().WaitAsync(Hang);

        Assert.Equal(Expected(records), await StoredAsync());
    }

    [Fact]
    public async Task DisposeAsync_WhenTheServiceRoleMayNotInsert_DoesNotThrow_AndLogsTheRecordsItDrops()
    {
        var recorder = await StartAsync();
        try
        {
            await RevokeInsertFromServiceRoleAsync();
            var records = await RecordAsync(recorder, 10);
            await Assert.ThrowsAsync<UsageRecordingException>(() => recorder.FlushAsync().WaitAsync(Hang));

            await recorder.DisposeAsync().AsTask().WaitAsync(Hang);

            var dropped = Assert.Single(
                Log.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("disposed", StringComparison.Ordinal));
            Assert.Equal(10L, dropped.Value<long>("Count"));
            Assert.Equal(records[0].Id, dropped.Value<Guid>("FirstId"));
            Assert.IsType<RlsViolationException>(dropped.Exception);
            Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.usage_logs"));
        }
        finally
        {
            await GrantInsertToServiceRoleAsync();
        }
    }

    private static UsageRecord Usage(Guid userId, int i, DateTimeOffset? at = null)
        => UsageRecord.Create(
            userId, i % 2 == 0 ? "openai" : "anthropic", "chat.completion", i % 3 == 0 ? null : $"model-{i % 7}", i, i * 2,
            0.000125m * (i % 97),
            at ?? Microseconds(TimeProvider.System.GetUtcNow()));

    /// <summary>PostgreSQL keeps microseconds; records made here carry no finer time, so values compare exactly.</summary>
    private static DateTimeOffset Microseconds(DateTimeOffset time) => new(time.UtcTicks - (time.UtcTicks % 10), TimeSpan.Zero);

    private static List<StoredUsage> Expected(IEnumerable<UsageRecord> records)
        => [.. records.Select(r => new StoredUsage(
                r.Id, r.UserId, r.Service, r.Operation, r.Model, r.InputTokens, r.OutputTokens, r.CostUsd, r.OccurredAt.ToUniversalTime()))
            .OrderBy(r => r.Id)];

    private static async Task<List<UsageRecord>> RecordAsync(UsageRecorder recorder, int count)
    {
        var records = Enumerable.Range(0, count).Select(i => Usage(Guid.CreateVersion7(), i)).ToList();
        foreach (var record in records)
        {
            await recorder.RecordAsync(record);
        }

        return records;
    }

    /// <summary>Every row of <c>usage_logs</c>, read as the superuser (no RLS), ordered by id.</summary>
    private async Task<List<StoredUsage>> StoredAsync()
    {
        await using var connection = new NpgsqlConnection(Database.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT id, user_id, service, operation, model, input_tokens, output_tokens, cost_usd, occurred_at "
            + "FROM public.usage_logs ORDER BY id",
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<StoredUsage>();
        while (await reader.ReadAsync())
        {
            rows.Add(new StoredUsage(
                reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetInt32(5), reader.GetInt32(6), reader.GetDecimal(7), reader.GetFieldValue<DateTimeOffset>(8)));
        }

        return rows;
    }

    private async Task<UsageRecorder> StartAsync(
        Action<UsageRecorderOptions>? configure = null, DomainDbContextFactory? contexts = null, TimeProvider? time = null)
    {
        var options = new UsageRecorderOptions
        {
            RetryDelay = TimeSpan.FromMilliseconds(10),
            MaxRetryDelay = TimeSpan.FromMilliseconds(200),
        };
        configure?.Invoke(options);
        var recorder = new UsageRecorder(new UsageLogWriter(contexts ?? Database.Contexts), options, time ?? Clock, Log);
        _recorders.Add(recorder);
        await recorder.StartAsync(default);
        return recorder;
    }

    /// <summary>Contexts whose connections go through a proxy the test controls, under an application name of their own.</summary>
    private (FaultyTcpProxy Proxy, DomainDbContextFactory Contexts, string Application) Proxied()
    {
        var server = new NpgsqlConnectionStringBuilder(Database.AdminConnectionString);
        var proxy = FaultyTcpProxy.Start(server.Host!, server.Port);
        _disposables.Add(proxy);
        var application = $"usage-recorder-test-{Guid.NewGuid():N}";
        var contexts = new DomainDbContextFactory(DomainDbContextOptions.Create(proxy.Route(Database.AppConnectionString, application)));
        return (proxy, contexts, application);
    }

    /// <summary>A superuser transaction holding <c>usage_logs</c> exclusively until disposed: writers wait for it.</summary>
    private async Task<TableLock> LockUsageLogsAsync()
    {
        var connection = new NpgsqlConnection(Database.AdminConnectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand("LOCK TABLE public.usage_logs IN ACCESS EXCLUSIVE MODE", connection, transaction))
        {
            await command.ExecuteNonQueryAsync();
        }

        return new TableLock(connection, transaction);
    }

    private Task RevokeInsertFromServiceRoleAsync()
        => TestServer.ExecuteAsync(Database.AdminConnectionString, "REVOKE INSERT ON public.usage_logs FROM service_role");

    private Task GrantInsertToServiceRoleAsync()
        => TestServer.ExecuteAsync(Database.AdminConnectionString, "GRANT INSERT ON public.usage_logs TO service_role");

    private sealed record StoredUsage(
        Guid Id, Guid UserId, string Service, string Operation, string? Model, int InputTokens, int OutputTokens, decimal CostUsd,
        DateTimeOffset OccurredAt);

    private sealed class TableLock(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public async Task<long> CountAsync()
        {
            await using var command = new NpgsqlCommand("SELECT count(*) FROM public.usage_logs", connection, transaction);
            return (long)(await command.ExecuteScalarAsync())!;
        }

        public async ValueTask DisposeAsync()
        {
            await transaction.CommitAsync();
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
