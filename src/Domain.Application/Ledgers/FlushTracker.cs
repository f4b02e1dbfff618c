namespace Domain.Application.Ledgers;

/// <summary>
/// The bookkeeping of flushes: how many records are committed, which flushes that makes complete, and which fail when
/// a write is refused or the writer ends, with the last failure as their cause.
/// </summary>
/// <remarks>
/// A flush waits for a target: the number of records accepted before it. Records are committed in the order they
/// were accepted, so the flush is done once <see cref="Committed"/> reaches its target. A refusal fails only the
/// flushes registered before the refused attempt started; a flush that came in during the attempt is owed an attempt
/// of its own.
/// </remarks>
internal sealed class FlushTracker
{
    private readonly Lock _gate = new();
    private readonly List<Flush> _pending = [];
    private readonly Func<long, string, Exception?, Exception> _unwritten;

    // Guarded by _gate.
    private long _committed;
    private long _attemptsStarted;
    private Exception? _lastFailure;
    private string? _closedBecause;

    /// <param name="unwritten">
    /// Makes the exception a failed flush reports, from how many of its records are not committed, why (a clause), and
    /// the last failure of the writer when there was one.
    /// </param>
    public FlushTracker(Func<long, string, Exception?, Exception> unwritten)
    {
        ArgumentNullException.ThrowIfNull(unwritten);
        _unwritten = unwritten;
    }

    /// <summary>How many records are committed: always the first ones accepted.</summary>
    public long Committed
    {
        get
        {
            lock (_gate)
            {
                return _committed;
            }
        }
    }

    /// <summary>The failure of the last write attempt; null once a later attempt committed.</summary>
    public Exception? LastFailure
    {
        get
        {
            lock (_gate)
            {
                return _lastFailure;
            }
        }
    }

    /// <summary>True while some flush waits: the writer should not linger.</summary>
    public bool HasPending
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count > 0;
            }
        }
    }

    /// <summary>True when the first <paramref name="target"/> records are committed.</summary>
    public bool IsCommitted(long target)
    {
        lock (_gate)
        {
            return target <= _committed;
        }
    }

    /// <summary>
    /// Completes once the first <paramref name="target"/> records are committed; fails when a write attempt that
    /// starts after this call is refused, or the tracker is closed.
    /// </summary>
    /// <param name="target">How many records, counted from the first accepted, must be committed.</param>
    /// <param name="cancellationToken">Gives up waiting; the records stay queued.</param>
    public Task WaitAsync(long target, CancellationToken cancellationToken = default)
    {
        Flush flush;
        lock (_gate)
        {
            if (target <= _committed)
            {
                return Task.CompletedTask;
            }

            if (_closedBecause is not null)
            {
                return Task.FromException(_unwritten(target - _committed, _closedBecause, _lastFailure));
            }

            flush = new Flush(target, _attemptsStarted);
            _pending.Add(flush);
        }

        return cancellationToken.CanBeCanceled ? WaitCancellableAsync(flush, cancellationToken) : flush.Completion.Task;
    }

    /// <summary>Counts a write attempt that starts now and returns its number, to pass to <see cref="Refused"/>.</summary>
    public long StartAttempt()
    {
        lock (_gate)
        {
            return ++_attemptsStarted;
        }
    }

    /// <summary>The next <paramref name="count"/> records are committed: completes the flushes that reached their target.</summary>
    public void Commit(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_gate)
        {
            _committed += count;
            _lastFailure = null;
            _pending.RemoveAll(flush =>
            {
                if (flush.Target > _committed)
                {
                    return false;
                }

                flush.Completion.TrySetResult();
                return true;
            });
        }
    }

    /// <summary>A write failed in a way that may pass when tried again: remembered as the cause, no flush fails.</summary>
    public void Failed(Exception failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        lock (_gate)
        {
            _lastFailure = failure;
        }
    }

    /// <summary>
    /// Attempt <paramref name="attempt"/> was refused: fails the flushes registered before it started, giving
    /// <paramref name="reason"/> and <paramref name="failure"/>. Flushes registered since keep waiting.
    /// </summary>
    public void Refused(long attempt, string reason, Exception failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        lock (_gate)
        {
            _lastFailure = failure;
            FailPending(flush => flush.AttemptsBefore < attempt, reason);
        }
    }

    /// <summary>Nothing will commit any more: fails every waiting flush and every later one that is not already done.</summary>
    public void Close(string reason)
    {
        lock (_gate)
        {
            _closedBecause ??= reason;
            FailPending(_ => true, reason);
        }
    }

    /// <summary>Call under <c>_gate</c>.</summary>
    private void FailPending(Func<Flush, bool> fails, string reason)
    {
        _pending.RemoveAll(flush =>
        {
            if (!fails(flush))
            {
                return false;
            }

            flush.Completion.TrySetException(_unwritten(flush.Target - _committed, reason, _lastFailure));
            return true;
        });
    }

    private async Task WaitCancellableAsync(Flush flush, CancellationToken cancellationToken)
    {
        try
        {
            await flush.Completion.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            lock (_gate)
            {
                _pending.Remove(flush);
            }

            throw;
        }
    }

    /// <summary>A flush waiting for the first <see cref="Target"/> records.</summary>
    private sealed class Flush(long target, long attemptsBefore)
    {
        public long Target { get; } = target;

        /// <summary>Attempts started before the flush; only a later attempt's refusal fails it.</summary>
        public long AttemptsBefore { get; } = attemptsBefore;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
