using Domain.Application.Ledgers;
using Domain.Persistence.Ledgers;
using Microsoft.Extensions.Time.Testing;

namespace Domain.UnitTests.Usage;

/// <summary>A record of a ledger that exists only in tests: the machinery is generic over the record type.</summary>
internal sealed record TestRecord(int Number)
{
    public Guid Id { get; } = Guid.CreateVersion7();
}

/// <summary>What the test ledger reports for records it did not write.</summary>
internal sealed class TestUnwrittenException(long count, string message, Exception? cause, IReadOnlyList<TestRecord> records)
    : Exception(message, cause)
{
    public long Count { get; } = count;

    public IReadOnlyList<TestRecord> Records { get; } = records;
}

internal static class TestLedger
{
    /// <summary>A guard against hangs only: no test asserts how long anything takes.</summary>
    public static readonly TimeSpan Hang = TimeSpan.FromMinutes(1);

    public static readonly LedgerDescription<TestRecord> Description = new(
        "test",
        "test_ledger",
        record => record.Id,
        (count, message, cause, records) => new TestUnwrittenException(count, message, cause, records));

    public static List<TestRecord> Records(int count) => [.. Enumerable.Range(1, count).Select(n => new TestRecord(n))];
}

/// <summary>One call of <see cref="ScriptedLedgerWriter.AppendAsync"/>: a copy of the batch and what the caller said.</summary>
internal sealed record WriteCall(IReadOnlyList<TestRecord> Batch, bool SomeMayBeStored);

/// <summary>
/// A ledger writer whose calls do what the test scripted, in order (then <see cref="Otherwise"/>): commit, fail, or hang
/// until cancelled. Every call is kept, and a test can wait for the next one to start.
/// </summary>
internal sealed class ScriptedLedgerWriter : ILedgerWriter<TestRecord>
{
    private readonly Lock _gate = new();
    private readonly Queue<Func<IReadOnlyList<TestRecord>, CancellationToken, Task<LedgerAppendResult>>> _script = new();
    private readonly List<WriteCall> _calls = [];
    private readonly SemaphoreSlim _started = new(0);

    /// <summary>What a call does once the script is used up; commits the whole batch unless set.</summary>
    public Func<IReadOnlyList<TestRecord>, CancellationToken, Task<LedgerAppendResult>> Otherwise { get; set; } = Commit;

    public IReadOnlyList<WriteCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>Every record of every call, in the order written.</summary>
    public IEnumerable<TestRecord> Written => Calls.SelectMany(call => call.Batch);

    public static Task<LedgerAppendResult> Commit(IReadOnlyList<TestRecord> batch, CancellationToken cancellationToken)
        => Task.FromResult(new LedgerAppendResult(batch.Count, 0));

    public static Func<IReadOnlyList<TestRecord>, CancellationToken, Task<LedgerAppendResult>> Fail(Exception failure)
        => (_, _) => Task.FromException<LedgerAppendResult>(failure);

    public static async Task<LedgerAppendResult> Hang(IReadOnlyList<TestRecord> batch, CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return default;
    }

    public ScriptedLedgerWriter Then(Func<IReadOnlyList<TestRecord>, CancellationToken, Task<LedgerAppendResult>> call)
    {
        lock (_gate)
        {
            _script.Enqueue(call);
        }

        return this;
    }

    public async Task WaitForCallAsync() => Assert.True(await _started.WaitAsync(TestLedger.Hang), "the writer was called");

    public Task<LedgerAppendResult> AppendAsync(
        IReadOnlyList<TestRecord> records, bool someMayBeStored, CancellationToken cancellationToken)
    {
        Func<IReadOnlyList<TestRecord>, CancellationToken, Task<LedgerAppendResult>> call;
        lock (_gate)
        {
            _calls.Add(new WriteCall([.. records], someMayBeStored));
            call = _script.Count > 0 ? _script.Dequeue() : Otherwise;
        }

        _started.Release();
        return call(records, cancellationToken);
    }
}

/// <summary>A fake clock that also tells when a timer was created, so a test advances it only once something waits on it.</summary>
internal sealed class WatchedFakeTimeProvider : FakeTimeProvider
{
    private readonly SemaphoreSlim _timersCreated = new(0);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _timersCreated.Release();
        return timer;
    }

    public async Task WaitForTimerAsync() => Assert.True(await _timersCreated.WaitAsync(TestLedger.Hang), "a timer was created");
}
