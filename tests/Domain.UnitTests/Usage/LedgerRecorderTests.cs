using Domain.Application.Ledgers;
using Domain.Application.Usage;
using Domain.Persistence.Ledgers;
using Microsoft.Extensions.Logging;

namespace Domain.UnitTests.Usage;

/// <summary>
/// The recorder's machinery put together, over a scripted writer and a fake clock: no database. The real writer and
/// table are in the integration tests (UsageRecorderTests).
/// </summary>
public sealed class LedgerRecorderTests : IAsyncDisposable
{
    private readonly ScriptedLedgerWriter _writer = new();
    private readonly WatchedFakeTimeProvider _time = new();
    private readonly CapturingLogger _log = new();
    private readonly List<LedgerRecorder<TestRecord>> _recorders = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var recorder in _recorders)
        {
            await recorder.DisposeAsync();
        }
    }

    [Fact]
    public async Task Flush_WritesEveryRecordOnce_InBatchesOfAtMostBatchSize_InTheOrderRecorded()
    {
        var recorder = await StartAsync(o => o.BatchSize = 3);
        var records = TestLedger.Records(10);

        await RecordAllAsync(recorder, records);
        await recorder.FlushAsync().WaitAsync(TestLedger.Hang);

        Assert.Equal(records, _writer.Written);
        Assert.All(_writer.Calls, call => Assert.InRange(call.Batch.Count, 1, 3));
        Assert.All(_writer.Calls, call => Assert.False(call.SomeMayBeStored));
    }

    [Fact]
    public async Task Flush_CutsTheLingerShort_WithoutTheClockMoving()
    {
        var recorder = await StartAsync(o => o.Linger = LedgerRecorderOptions.MaxLinger);
        var records = TestLedger.Records(3);

        await RecordAllAsync(recorder, records);
        await recorder.FlushAsync().WaitAsync(TestLedger.Hang);

        Assert.Equal(records, _writer.Written);
    }

    [Fact]
    public async Task Flush_AfterATransientFailure_RetriesWhenTheBackoffHasPassedOnTheClock_SkippingStoredIds()
    {
        _writer.Then(ScriptedLedgerWriter.Fail(new TimeoutException("connection timed out")));
        var recorder = await StartAsync(o => (o.RetryDelay, o.MaxRetryDelay) = (TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)));
        var records = TestLedger.Records(2);
        await RecordAllAsync(recorder, records);
        var flush = recorder.FlushAsync();

        await _writer.WaitForCallAsync();
        await _time.WaitForTimerAsync();
        _time.Advance(TimeSpan.FromMilliseconds(799));
        Assert.Single(_writer.Calls);
        Assert.False(flush.IsCompleted, "a transient failure is waited through");

        _time.Advance(TimeSpan.FromMilliseconds(201));
        await flush.WaitAsync(TestLedger.Hang);

        Assert.Equal([false, true], _writer.Calls.Select(call => call.SomeMayBeStored));
        Assert.Equal(records, _writer.Calls[1].Batch);
        var warning = Assert.Single(_log.Entries, e => e.Level == LogLevel.Warning);
        Assert.Equal(
            (2, records[0].Id, 1),
            ((int)warning.Values["Count"]!, (Guid)warning.Values["FirstId"]!, (int)warning.Values["Failures"]!));
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Information && Equals(e.Values["AlreadyStored"], 0));
    }

    [Fact]
    public async Task Flush_WhenTheBatchIsRefused_ThrowsWithTheCount_AndALaterFlushWritesThem()
    {
        // The first batch is held until the flush is registered, so the refused attempt starts after the flush.
        var firstBatchMayCommit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var refusal = new InvalidOperationException("permission denied for table test_ledger");
        _writer
            .Then(async (batch, _) =>
            {
                await firstBatchMayCommit.Task;
                return new LedgerAppendResult(batch.Count, 0);
            })
            .Then(ScriptedLedgerWriter.Fail(refusal));
        var recorder = await StartAsync();
        var records = TestLedger.Records(4);
        await recorder.RecordAsync(records[0]);
        await _writer.WaitForCallAsync();
        await RecordAllAsync(recorder, records[1..]);
        var flush = recorder.FlushAsync();
        firstBatchMayCommit.SetResult();

        var refused = await Assert.ThrowsAsync<TestUnwrittenException>(() => flush.WaitAsync(TestLedger.Hang));

        Assert.Equal(3, refused.Count);
        Assert.Same(refusal, refused.InnerException);
        Assert.Contains("3 test records", refused.Message, StringComparison.Ordinal);
        Assert.Empty(refused.Records);
        var error = Assert.Single(_log.Entries, e => e.Level == LogLevel.Error);
        Assert.Equal((3, records[1].Id), ((int)error.Values["Count"]!, (Guid)error.Values["FirstId"]!));

        // Kept: the next flush cuts the backoff short (the clock never moves) and the retry commits them.
        await recorder.FlushAsync().WaitAsync(TestLedger.Hang);
        Assert.Equal(records[1..], _writer.Calls[^1].Batch);
        Assert.True(_writer.Calls[^1].SomeMayBeStored);
        Assert.Equal(records, _writer.Calls[0].Batch.Concat(_writer.Calls[^1].Batch));
    }

    [Fact]
    public async Task Stop_WhenEveryAttemptIsRefused_HandsBackEveryRecordInOrder_AndRefusesNewOnes()
    {
        _writer.Otherwise = ScriptedLedgerWriter.Fail(new InvalidOperationException("permission denied"));
        var recorder = await StartAsync();
        var records = TestLedger.Records(5);
        await RecordAllAsync(recorder, records);

        var unwritten = await Assert.ThrowsAsync<TestUnwrittenException>(() => recorder.StopAsync(default).WaitAsync(TestLedger.Hang));

        Assert.Equal(5, unwritten.Count);
        Assert.Equal(records, unwritten.Records);
        Assert.Contains("the last attempt failed: permission denied", unwritten.Message, StringComparison.Ordinal);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => recorder.RecordAsync(new TestRecord(6)).AsTask());
        Assert.Contains("stopped", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<TestUnwrittenException>(() => recorder.FlushAsync());
        Assert.Same(unwritten, await Assert.ThrowsAsync<TestUnwrittenException>(() => recorder.StopAsync(default)));
    }

    [Fact]
    public async Task Stop_WhenItsTokenFiresWhileTheWriterHangs_HandsBackEveryRecord()
    {
        _writer.Otherwise = ScriptedLedgerWriter.Hang;
        var recorder = await StartAsync();
        var records = TestLedger.Records(3);
        await RecordAllAsync(recorder, records);
        await _writer.WaitForCallAsync();

        using var deadline = new CancellationTokenSource();
        var stopping = recorder.StopAsync(deadline.Token);
        await deadline.CancelAsync();

        var unwritten = await Assert.ThrowsAsync<TestUnwrittenException>(() => stopping.WaitAsync(TestLedger.Hang));
        Assert.Equal(records, unwritten.Records);
        Assert.Contains("deadline", unwritten.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisposeAsync_AfterRefusals_DoesNotThrow_AndLogsWhatItDrops()
    {
        _writer.Otherwise = ScriptedLedgerWriter.Fail(new InvalidOperationException("permission denied"));
        var recorder = await StartAsync();
        var records = TestLedger.Records(3);
        await RecordAllAsync(recorder, records);
        await Assert.ThrowsAsync<TestUnwrittenException>(() => recorder.FlushAsync().WaitAsync(TestLedger.Hang));

        await recorder.DisposeAsync().AsTask().WaitAsync(TestLedger.Hang);

        var dropped = Assert.Single(
            _log.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("disposed", StringComparison.Ordinal));
        Assert.Equal((3L, records[0].Id), ((long)dropped.Values["Count"]!, (Guid)dropped.Values["FirstId"]!));
        await Assert.ThrowsAsync<InvalidOperationException>(() => recorder.RecordAsync(new TestRecord(4)).AsTask());
    }

    [Fact]
    public async Task DisposeAsync_WhenTheWriterHangs_GivesUpAtTheStopTimeoutOnTheClock_WithoutThrowing()
    {
        _writer.Otherwise = ScriptedLedgerWriter.Hang;
        var recorder = await StartAsync(o => o.StopTimeout = TimeSpan.FromSeconds(30));
        await RecordAllAsync(recorder, TestLedger.Records(2));
        await _writer.WaitForCallAsync();

        var disposing = recorder.DisposeAsync().AsTask();
        await _time.WaitForTimerAsync();
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(disposing.IsCompleted, "the writer still has time");

        _time.Advance(TimeSpan.FromSeconds(1));
        await disposing.WaitAsync(TestLedger.Hang);

        var dropped = Assert.Single(_log.Entries, e => e.Level == LogLevel.Error);
        Assert.Equal(2L, dropped.Values["Count"]);
    }

    [Fact]
    public async Task Dispose_Synchronously_AfterAStopThatThrew_DoesNothingMore()
    {
        _writer.Otherwise = ScriptedLedgerWriter.Fail(new InvalidOperationException("permission denied"));
        var recorder = await StartAsync();
        await RecordAllAsync(recorder, TestLedger.Records(1));
        await Assert.ThrowsAsync<TestUnwrittenException>(() => recorder.StopAsync(default).WaitAsync(TestLedger.Hang));
        var logged = _log.Entries.Count;

        recorder.Dispose();
        recorder.Dispose();

        Assert.Equal(logged, _log.Entries.Count);
    }

    [Fact]
    public async Task WhenTheWriterLoopItselfFails_NewRecordsAreRefused_AndFlushAndStopReportTheQueuedOnes()
    {
        // A bug in the machinery (here: naming the first record of the failed batch throws, once) must not leave
        // callers waiting.
        var calls = 0;
        var broken = TestLedger.Description with
        {
            IdOf = record => Interlocked.Increment(ref calls) == 1 ? throw new FormatException("bug") : record.Id,
        };
        _writer.Otherwise = ScriptedLedgerWriter.Fail(new InvalidOperationException("permission denied"));
        var recorder = Track(new LedgerRecorder<TestRecord>(broken, _writer, Options(), _time, _log));
        await recorder.StartAsync(default);
        var records = TestLedger.Records(2);
        await RecordAllAsync(recorder, records);

        await Assert.ThrowsAsync<TestUnwrittenException>(() => recorder.FlushAsync().WaitAsync(TestLedger.Hang));

        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Critical && e.Exception is FormatException);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => recorder.RecordAsync(new TestRecord(3)).AsTask());
        Assert.Contains("stopping", refused.Message, StringComparison.Ordinal);
        var unwritten = await Assert.ThrowsAsync<TestUnwrittenException>(() => recorder.StopAsync(default));
        Assert.Equal(records, unwritten.Records);
    }

    [Fact]
    public async Task StartAsync_Twice_Throws()
    {
        var recorder = await StartAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => recorder.StartAsync(default));
    }

    [Fact]
    public async Task Flush_BeforeStart_Throws_AndAStopHandsBackWhatWasRecorded()
    {
        var recorder = Track(new LedgerRecorder<TestRecord>(TestLedger.Description, _writer, Options(), _time, _log));
        var records = TestLedger.Records(2);
        await RecordAllAsync(recorder, records);

        await Assert.ThrowsAsync<InvalidOperationException>(() => recorder.FlushAsync());
        var unwritten = await Assert.ThrowsAsync<TestUnwrittenException>(() => recorder.StopAsync(default));

        Assert.Equal(records, unwritten.Records);
        Assert.Contains("never started", unwritten.Message, StringComparison.Ordinal);
        Assert.Empty(_writer.Calls);
    }

    [Fact]
    public void Constructor_WithInvalidOptions_ThrowsNamingTheOption()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(
            () => new LedgerRecorder<TestRecord>(TestLedger.Description, _writer, Options(o => o.BatchSize = 0), _time, _log));

        Assert.Equal("UsageRecorderOptions.BatchSize", ex.ParamName);
    }

    private static async Task RecordAllAsync(LedgerRecorder<TestRecord> recorder, IEnumerable<TestRecord> records)
    {
        foreach (var record in records)
        {
            await recorder.RecordAsync(record);
        }
    }

    /// <summary>No linger by default, so that a test never needs the clock unless it is about the clock.</summary>
    private static UsageRecorderOptions Options(Action<UsageRecorderOptions>? configure = null)
    {
        var options = new UsageRecorderOptions { Linger = TimeSpan.Zero };
        configure?.Invoke(options);
        return options;
    }

    private async Task<LedgerRecorder<TestRecord>> StartAsync(Action<UsageRecorderOptions>? configure = null)
    {
        var recorder = Track(new LedgerRecorder<TestRecord>(TestLedger.Description, _writer, Options(configure), _time, _log));
        await recorder.StartAsync(default);
        return recorder;
    }

    private LedgerRecorder<TestRecord> Track(LedgerRecorder<TestRecord> recorder)
    {
        _recorders.Add(recorder);
        return recorder;
    }
}
