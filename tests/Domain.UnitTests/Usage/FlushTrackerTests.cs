using Domain.Application.Ledgers;

namespace Domain.UnitTests.Usage;

public sealed class FlushTrackerTests
{
    private readonly FlushTracker _flushes = new((count, reason, cause) => new FlushFailed(count, reason, cause));

    [Fact]
    public async Task WaitAsync_ForRecordsAlreadyCommitted_CompletesAtOnce()
    {
        _flushes.Commit(5);

        Assert.True(_flushes.WaitAsync(0).IsCompletedSuccessfully);
        Assert.True(_flushes.WaitAsync(5).IsCompletedSuccessfully);
        Assert.True(_flushes.IsCommitted(5));
        Assert.False(_flushes.HasPending);
        await _flushes.WaitAsync(5);
    }

    [Fact]
    public async Task Commit_CompletesExactlyTheFlushesWhoseRecordsAreAllCommitted()
    {
        var three = _flushes.WaitAsync(3);
        var five = _flushes.WaitAsync(5);

        _flushes.Commit(2);
        Assert.False(three.IsCompleted);

        _flushes.Commit(1);
        await three.WaitAsync(TestLedger.Hang);
        Assert.False(five.IsCompleted);
        Assert.True(_flushes.HasPending);

        _flushes.Commit(2);
        await five.WaitAsync(TestLedger.Hang);
        Assert.Equal(5, _flushes.Committed);
        Assert.False(_flushes.HasPending);
    }

    [Fact]
    public async Task Refused_FailsTheFlushesRegisteredBeforeTheAttempt_WithTheCountNotCommittedAndTheCause()
    {
        _flushes.Commit(4);
        var before = _flushes.WaitAsync(10);
        var attempt = _flushes.StartAttempt();
        var during = _flushes.WaitAsync(12);
        var refusal = new InvalidOperationException("permission denied");

        _flushes.Refused(attempt, "the database refused them", refusal);

        var failed = await Assert.ThrowsAsync<FlushFailed>(() => before.WaitAsync(TestLedger.Hang));
        Assert.Equal((6L, "the database refused them"), (failed.Count, failed.Reason));
        Assert.Same(refusal, failed.InnerException);
        Assert.False(during.IsCompleted, "a flush that came in during the attempt is owed an attempt of its own");
        Assert.True(_flushes.HasPending);
        Assert.Same(refusal, _flushes.LastFailure);

        _flushes.StartAttempt();
        _flushes.Commit(8);
        await during.WaitAsync(TestLedger.Hang);
    }

    [Fact]
    public void Failed_FailsNoFlush_ButIsTheCauseUntilACommit()
    {
        var waiting = _flushes.WaitAsync(1);
        var timeout = new TimeoutException("connection timed out");

        _flushes.Failed(timeout);

        Assert.False(waiting.IsCompleted, "a transient failure is waited through");
        Assert.Same(timeout, _flushes.LastFailure);
        _flushes.Commit(1);
        Assert.Null(_flushes.LastFailure);
        Assert.True(waiting.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Close_FailsWaitingAndLaterFlushes_WithTheReasonAndTheLastFailure_ButNotOnesAlreadyCommitted()
    {
        _flushes.Commit(2);
        var waiting = _flushes.WaitAsync(5);
        var timeout = new TimeoutException("connection timed out");
        _flushes.Failed(timeout);

        _flushes.Close("the writer has ended");

        var failed = await Assert.ThrowsAsync<FlushFailed>(() => waiting.WaitAsync(TestLedger.Hang));
        Assert.Equal((3L, "the writer has ended"), (failed.Count, failed.Reason));
        Assert.Same(timeout, failed.InnerException);
        var later = await Assert.ThrowsAsync<FlushFailed>(() => _flushes.WaitAsync(4));
        Assert.Equal((2L, "the writer has ended"), (later.Count, later.Reason));
        Assert.True(_flushes.WaitAsync(2).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task WaitAsync_Cancelled_ThrowsAndForgetsTheFlush()
    {
        using var cancel = new CancellationTokenSource();
        var waiting = _flushes.WaitAsync(1, cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TestLedger.Hang));
        Assert.False(_flushes.HasPending);
    }

    private sealed class FlushFailed(long count, string reason, Exception? cause) : Exception(reason, cause)
    {
        public long Count { get; } = count;

        public string Reason { get; } = reason;
    }
}
