using Domain.Persistence.Ledgers;
using Microsoft.Extensions.Logging;

namespace Domain.Application.Ledgers;

/// <summary>
/// Records to a ledger table off the caller's path, exactly once: the one mechanism behind every background recorder
/// (<see cref="Usage.UsageRecorder"/> is its typed face for <c>usage_logs</c>). It owns the recorder's life (not
/// started, running, stopping, stopped) and puts together the parts that do the work: the buffer
/// (<see cref="RecordBuffer{TRecord}"/>), the background writer (<see cref="LedgerWriteLoop{TRecord}"/>), the flush
/// bookkeeping (<see cref="FlushTracker"/>) and the writer's waits (<see cref="InterruptibleDelay"/>).
/// </summary>
/// <remarks>
/// What each public method promises is documented on <see cref="Usage.UsageRecorder"/>. Disposal never throws: what a
/// stop would report is logged instead.
/// </remarks>
internal sealed class LedgerRecorder<TRecord> : IAsyncDisposable, IDisposable
{
    private readonly LedgerDescription<TRecord> _ledger;
    private readonly TimeProvider _time;
    private readonly TimeSpan _stopTimeout;
    private readonly ILogger _logger;
    private readonly RecordBuffer<TRecord> _buffer;
    private readonly FlushTracker _flushes;
    private readonly InterruptibleDelay _delay;
    private readonly LedgerWriteLoop<TRecord> _writeLoop;

    /// <summary>Cancelled when the token given to a stop fires: the writer gives up at once.</summary>
    private readonly CancellationTokenSource _abandon = new();

    private readonly Lock _gate = new();

    // Guarded by _gate.
    private State _state;
    private Task? _loop;
    private bool _stopReported;
    private Exception? _stopReport;

    public LedgerRecorder(
        LedgerDescription<TRecord> ledger, ILedgerWriter<TRecord> writer, LedgerRecorderOptions options, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        _ledger = ledger;
        _time = time;
        _stopTimeout = options.StopTimeout;
        _logger = logger;
        _buffer = new RecordBuffer<TRecord>(options.Capacity);
        _flushes = new FlushTracker(FlushFailure);
        _delay = new InterruptibleDelay(time);
        _writeLoop = new LedgerWriteLoop<TRecord>(ledger, _buffer, writer, _flushes, _delay, options, logger);
    }

    private enum State
    {
        NotStarted,
        Running,
        Stopping,
        Stopped,
    }

    /// <summary>The recorder's state, how many accepted records are not committed, and the last write failure.</summary>
    public RecorderStatus Status
    {
        get
        {
            var state = CurrentState switch
            {
                State.NotStarted => RecorderState.NotStarted,
                State.Running => RecorderState.Running,
                State.Stopping => RecorderState.Stopping,
                _ => RecorderState.Stopped,
            };
            return new RecorderStatus(state, _buffer.Accepted - _flushes.Committed, _flushes.LastFailure);
        }
    }

    /// <summary>Accepts <paramref name="record"/>: synchronously when there is room, otherwise once there is.</summary>
    /// <exception cref="InvalidOperationException">The recorder is stopping or stopped (in the returned task).</exception>
    public ValueTask RecordAsync(TRecord record, CancellationToken cancellationToken = default)
    {
        var adding = _buffer.AddAsync(record, cancellationToken);
        if (adding.IsCompletedSuccessfully)
        {
            return adding.Result ? ValueTask.CompletedTask : ValueTask.FromException(NotAccepted(record));
        }

        return AcceptedOrThrowAsync(adding, record);
    }

    /// <summary>Completes when every record accepted before the call is committed; fails on a refusal or a stop.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var target = _buffer.Accepted;
        if (_flushes.IsCommitted(target))
        {
            return Task.CompletedTask;
        }

        var state = CurrentState;
        if (state == State.NotStarted)
        {
            return Task.FromException(new InvalidOperationException(
                $"The {_ledger.Name} recorder was not started, so nothing writes its {target - _flushes.Committed} queued "
                + "records; call StartAsync first."));
        }

        if (state == State.Stopped)
        {
            return Task.FromException(FlushFailure(target - _flushes.Committed, "the recorder has stopped", _flushes.LastFailure));
        }

        var flushed = _flushes.WaitAsync(target, cancellationToken);
        _delay.Interrupt();
        return flushed;
    }

    /// <summary>Starts the background writer.</summary>
    /// <exception cref="InvalidOperationException">The recorder was already started.</exception>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_state != State.NotStarted)
            {
                throw new InvalidOperationException($"The {_ledger.Name} recorder was already started (it is {_state}).");
            }

            _state = State.Running;
            _loop = Task.Run(RunWriterAsync, CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    /// <summary>Refuses new records, writes what is queued, and throws what could not be written.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (await StopAndReportAsync(cancellationToken, disposing: false) is { } unwritten)
        {
            throw unwritten;
        }
    }

    /// <summary>
    /// Stops the recorder if no stop did, giving the writer the options' <c>StopTimeout</c>. Never throws: records
    /// that could not be written, and any other error, are logged.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (CurrentState != State.Stopped)
            {
                using var deadline = new CancellationTokenSource(_stopTimeout, _time);
                await StopAndReportAsync(deadline.Token, disposing: true);
            }
        }
        catch (Exception ex)
        {
            _logger.DisposeFailed(ex, _ledger.Table);
        }
        finally
        {
            _abandon.Dispose();
        }
    }

    /// <summary>The same as <see cref="DisposeAsync"/>, waited for on the thread pool, for containers that dispose synchronously.</summary>
    public void Dispose() => Task.Run(() => DisposeAsync().AsTask()).GetAwaiter().GetResult();

    private State CurrentState
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    private async ValueTask AcceptedOrThrowAsync(ValueTask<bool> adding, TRecord record)
    {
        if (!await adding)
        {
            throw NotAccepted(record);
        }
    }

    private InvalidOperationException NotAccepted(TRecord record)
    {
        var state = CurrentState;
        var closed = state is State.Stopping or State.Stopped ? state.ToString().ToLowerInvariant() : "closed";
        return new InvalidOperationException(
            $"The {_ledger.Name} recorder is {closed}; record {_ledger.IdOf(record)} was not accepted.");
    }

    private Exception FlushFailure(long count, string reason, Exception? cause)
    {
        var because = cause is null ? string.Empty : $" Last failure: {cause.Message}";
        var message = $"{count} {_ledger.Name} records recorded before the flush are not written: {reason}.{because}";
        return _ledger.Unwritten(count, message, cause, []);
    }

    /// <summary>
    /// Closes the buffer, lets the writer finish (or give up when <paramref name="cancellationToken"/> fires), and
    /// returns what was not written. Only the first stop builds and logs that report; later ones return it again.
    /// </summary>
    private async Task<Exception?> StopAndReportAsync(CancellationToken cancellationToken, bool disposing)
    {
        Task loop;
        lock (_gate)
        {
            _state = _state switch
            {
                State.NotStarted => State.Stopped,
                State.Running => State.Stopping,
                _ => _state,
            };
            loop = _loop ?? Task.CompletedTask;
        }

        _buffer.Close();
        _delay.Interrupt();
        if (!loop.IsCompleted)
        {
            await using (cancellationToken.Register(static abandon => ((CancellationTokenSource)abandon!).Cancel(), _abandon))
            {
                await loop;
            }
        }

        Shortfall? shortfall = null;
        bool first;
        Exception? report;
        lock (_gate)
        {
            _state = State.Stopped;
            first = !_stopReported;
            if (first)
            {
                _stopReported = true;
                shortfall = Unwritten();
                _stopReport = shortfall?.Report;
            }

            report = _stopReport;
        }

        if (first)
        {
            _flushes.Close("the recorder has stopped");
            if (shortfall is not null && disposing)
            {
                _logger.DroppedAtDispose(shortfall.Report.InnerException, _ledger.Table, shortfall.Count, shortfall.FirstId);
            }
            else if (shortfall is not null)
            {
                _logger.NotWrittenAtStop(shortfall.Report.InnerException, _ledger.Table, shortfall.Count, shortfall.FirstId);
            }
        }

        return report;
    }

    /// <summary>
    /// The records a stop gives up, taken from the writer and the buffer, or null when there are none. Call under
    /// <c>_gate</c>, after the writer ended.
    /// </summary>
    private Shortfall? Unwritten()
    {
        var count = _buffer.Accepted - _flushes.Committed;
        if (count == 0)
        {
            return null;
        }

        var records = new List<TRecord>(_writeLoop.Unfinished);
        records.AddRange(_buffer.TakeAll());
        var cause = _flushes.LastFailure;
        var why = _loop is null ? "the recorder was never started"
            : cause is null ? "the stop's deadline passed first"
            : $"the last attempt failed: {cause.Message}";
        var report = _ledger.Unwritten(
            count,
            $"{count} {_ledger.Name} records were not written to {_ledger.Table} before the recorder stopped ({why}); "
                + "they are in UnwrittenRecords.",
            cause,
            records);
        return new Shortfall(report, count, records.Count > 0 ? _ledger.IdOf(records[0]) : Guid.Empty);
    }

    /// <summary>Runs the write loop and turns however it ends into the flushes' and the stop's view of it.</summary>
    private async Task RunWriterAsync()
    {
        var abandon = _abandon.Token;
        try
        {
            await _writeLoop.RunAsync(abandon);
        }
        catch (Exception ex) when (abandon.IsCancellationRequested)
        {
            // The stop's deadline: the stop reports what is left.
            if (ex is not OperationCanceledException)
            {
                _flushes.Failed(ex);
            }
        }
        catch (Exception ex)
        {
            // A bug of the recorder itself, not a database failure: nothing would write any more. Refuse new records
            // and report the unwritten ones rather than let them wait for ever.
            _logger.WriterCrashed(ex, _ledger.Table);
            _flushes.Failed(ex);
            lock (_gate)
            {
                _state = State.Stopping;
            }

            _buffer.Close();
        }
        finally
        {
            // Whatever ended the writer, no flush may wait for it any more.
            _flushes.Close("the recorder's writer has ended");
        }
    }

    /// <summary>What a stop could not write: the exception that reports it, how many records, the first one's id.</summary>
    private sealed record Shortfall(Exception Report, long Count, Guid FirstId);
}
