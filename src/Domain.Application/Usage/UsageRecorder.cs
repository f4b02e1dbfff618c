using System.Threading.Channels;
using Domain.Persistence.Errors;
using Domain.Persistence.Usage;
using Domain.Usage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Domain.Application.Usage;

/// <summary>
/// Records API usage (<c>usage_logs</c>) off the caller's path: <see cref="RecordAsync"/> puts the record in a bounded
/// in-memory buffer and returns; a background writer appends the buffer to the table in batches, one binary COPY per
/// transaction as the service role (<see cref="UsageLogWriter"/>).
/// </summary>
/// <remarks>
/// <para><b>What it guarantees.</b> Every record <see cref="RecordAsync"/> accepted is committed to <c>usage_logs</c>
/// exactly once, or reported: it is never dropped and never stored twice.</para>
/// <list type="bullet">
/// <item>No loss: a full buffer makes <see cref="RecordAsync"/> wait (backpressure), never discard. A batch that fails
/// stays at the head and is retried with capped exponential backoff, whatever the failure; records behind it wait
/// (they are written in the order they were recorded).</item>
/// <item>No duplicates: a failure can hide a commit (the acknowledgement of a committed batch lost with the
/// connection). Every retry therefore first skips the ids already stored; the id is the primary key and is made by
/// the client, so a retried batch never inserts a record twice. Recording the same id twice stores it once (the
/// first row committed stays) and logs a warning.</item>
/// <item>Not silent: transient failures (connection refused or reset, server shutting down, serialization failure)
/// are logged as warnings and retried until they pass. A refusal (grants, a check) is logged as an error with the
/// count and the first record's id, kept for retry, and thrown by <see cref="FlushAsync"/> as
/// <see cref="UsageRecordingException"/>.</item>
/// <item>The buffer is memory: a record is durable only once its batch commits. If the process dies first the
/// record is lost; <see cref="FlushAsync"/> and <see cref="StopAsync"/> say when that risk is over. If
/// <see cref="StopAsync"/> runs out of time, the records not written are handed back in the exception, not
/// dropped.</item>
/// </list>
/// <para>As a hosted service it starts and stops with the host; registered early (by
/// <c>AddDomainApplication</c>), it stops after the services registered later, which may still record while they
/// stop. Without a host, call <see cref="StartAsync"/> and <see cref="StopAsync"/> yourself.</para>
/// </remarks>
public sealed partial class UsageRecorder : IHostedService, IAsyncDisposable
{
    private readonly UsageLogWriter _writer;
    private readonly UsageRecorderOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<UsageRecorder> _logger;
    private readonly Channel<UsageRecord> _buffer;

    /// <summary>Cancelled when the token given to <see cref="StopAsync"/> fires: the writer gives up at once.</summary>
    private readonly CancellationTokenSource _abandon = new();

    private readonly Lock _gate = new();
    private readonly List<FlushWaiter> _waiters = [];

    // Guarded by _gate. Records are numbered in the order they enter the buffer (one lock covers numbering and
    // writing to the buffer), and the writer commits them in that order, so "the first _committed records are
    // stored" holds at every moment and a flush only has to wait for _committed to reach its target.
    private long _recorded;
    private long _committed;
    private long _attemptsStarted;
    private long _flushWanted;
    private Exception? _lastFailure;
    private State _state;
    private Task? _loop;
    private bool _writerEnded;
    private UsageRecordingException? _stopReport;
    private bool _stopReported;
    private TaskCompletionSource _wake = NewSignal();

    /// <summary>The batch being written, for the report when a stop gives it up. Only the writer loop sets it.</summary>
    private List<UsageRecord> _batch = [];

    public UsageRecorder(UsageLogWriter writer, UsageRecorderOptions options, TimeProvider time, ILogger<UsageRecorder> logger)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        _writer = writer;
        _options = options;
        _time = time;
        _logger = logger;
        _buffer = Channel.CreateBounded<UsageRecord>(new BoundedChannelOptions(options.Capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
    }

    private enum State
    {
        NotStarted,
        Running,
        Stopping,
        Stopped,
    }

    /// <summary>
    /// Accepts <paramref name="record"/> for writing. Completes synchronously when the buffer has room, which is all
    /// the caller pays; when it is full, waits for room (it never drops a record). Accepted records are written in
    /// the order they were accepted.
    /// </summary>
    /// <param name="record">The record; its id makes a second recording of it harmless.</param>
    /// <param name="cancellationToken">Cancels only a wait for room; a cancelled call did not accept the record.</param>
    /// <exception cref="InvalidOperationException">The recorder is stopping or stopped; the record was not accepted.</exception>
    public ValueTask RecordAsync(UsageRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return TryAccept(record) ? ValueTask.CompletedTask : WaitForRoomAsync(record, cancellationToken);
    }

    /// <summary>
    /// Completes when every record accepted before this call is committed to <c>usage_logs</c>. Waits through
    /// transient failures (bound the wait with <paramref name="cancellationToken"/>); cuts short the writer's linger
    /// and retry waits, so it does not wait for a timer.
    /// </summary>
    /// <exception cref="UsageRecordingException">A write attempt made after this call was refused (not a transient
    /// failure), or the recorder has stopped: the count of earlier records not written and the cause. The records are
    /// still held and retried while the recorder runs.</exception>
    /// <exception cref="InvalidOperationException">The recorder was never started, so nothing would write them.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired first; the records
    /// stay queued.</exception>
    public Task FlushAsync(CancellationToken cancellationToken = default)
    {
        FlushWaiter waiter;
        lock (_gate)
        {
            var target = _recorded;
            if (target <= _committed)
            {
                return Task.CompletedTask;
            }

            if (_state == State.NotStarted)
            {
                return Task.FromException(new InvalidOperationException(
                    $"The usage recorder was not started, so nothing writes its {target - _committed} queued records; "
                    + "call StartAsync first."));
            }

            if (_writerEnded || _state == State.Stopped)
            {
                return Task.FromException(Unwritten(target - _committed, "the recorder has stopped", _lastFailure));
            }

            waiter = new FlushWaiter(target, _attemptsStarted);
            _waiters.Add(waiter);
            _flushWanted = Math.Max(_flushWanted, target);
            _wake.TrySetResult();
        }

        return cancellationToken.CanBeCanceled ? WaitAsync(waiter, cancellationToken) : waiter.Completion.Task;
    }

    /// <summary>Starts the background writer. Records accepted before the start are written once it runs.</summary>
    /// <exception cref="InvalidOperationException">The recorder was already started.</exception>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_state != State.NotStarted)
            {
                throw new InvalidOperationException($"The usage recorder was already started (it is {_state}).");
            }

            _state = State.Running;
            _loop = Task.Run(RunAsync, CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops accepting records (<see cref="RecordAsync"/> throws from now on, waiting callers included) and writes
    /// everything queued. Returns when all of it is committed. Transient failures are retried until
    /// <paramref name="cancellationToken"/> fires; a refusal ends the stop at once.
    /// </summary>
    /// <exception cref="UsageRecordingException">Records could not be written before the token fired or were refused:
    /// how many, why, and the records themselves (<see cref="UsageRecordingException.UnwrittenRecords"/>). The
    /// recorder no longer holds them.</exception>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task loop;
        lock (_gate)
        {
            if (_state == State.NotStarted)
            {
                _state = State.Stopped;
                _buffer.Writer.TryComplete();
            }
            else if (_state == State.Running)
            {
                _state = State.Stopping;
                _buffer.Writer.TryComplete();
                _wake.TrySetResult();
            }

            loop = _loop ?? Task.CompletedTask;
        }

        await using (cancellationToken.Register(static abandon => ((CancellationTokenSource)abandon!).Cancel(), _abandon))
        {
            await loop;
        }

        UsageRecordingException? report;
        bool first;
        lock (_gate)
        {
            _state = State.Stopped;
            first = !_stopReported;
            if (first)
            {
                _stopReported = true;
                _stopReport = StopReport();
                FailWaiters(long.MaxValue, "the recorder has stopped", _lastFailure);
            }

            report = _stopReport;
        }

        if (report is not null)
        {
            if (first)
            {
                var firstId = report.UnwrittenRecords.Count > 0 ? report.UnwrittenRecords[0].Id : Guid.Empty;
                LogNotWrittenAtStop(report.InnerException, report.UnwrittenCount, firstId);
            }

            throw report;
        }
    }

    /// <summary>
    /// Stops the recorder if <see cref="StopAsync"/> did not, giving the writer <see cref="UsageRecorderOptions.StopTimeout"/>,
    /// and throws what <see cref="StopAsync"/> would. After <see cref="StopAsync"/> it does nothing.
    /// </summary>
    /// <exception cref="UsageRecordingException">Records were not written; see <see cref="StopAsync"/>.</exception>
    public async ValueTask DisposeAsync()
    {
        bool stopped;
        lock (_gate)
        {
            stopped = _state == State.Stopped;
        }

        try
        {
            if (!stopped)
            {
                using var deadline = new CancellationTokenSource(_options.StopTimeout, _time);
                await StopAsync(deadline.Token);
            }
        }
        finally
        {
            _abandon.Dispose();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static UsageRecordingException Unwritten(long count, string reason, Exception? cause)
    {
        var because = cause is null ? string.Empty : $" Last failure: {cause.Message}";
        return new UsageRecordingException(
            count, $"{count} usage records recorded before the flush are not written: {reason}.{because}", cause);
    }

    /// <summary>
    /// The records a stop gives up, taken from the writer and the buffer. Call under <c>_gate</c>, after the writer ended.
    /// </summary>
    private UsageRecordingException? StopReport()
    {
        var count = _recorded - _committed;
        if (count == 0)
        {
            return null;
        }

        var records = new List<UsageRecord>(_batch);
        while (_buffer.Reader.TryRead(out var record))
        {
            records.Add(record);
        }

        _batch = [];
        var why = _loop is null ? "the recorder was never started"
            : _lastFailure is null ? "the stop's deadline passed first"
            : $"the last attempt failed: {_lastFailure.Message}";
        return new UsageRecordingException(
            count,
            $"{count} usage records were not written to usage_logs before the recorder stopped ({why}); they are in UnwrittenRecords.",
            _lastFailure, records);
    }

    private void ThrowIfClosed(UsageRecord record)
    {
        if (_state is State.Stopping or State.Stopped)
        {
            throw new InvalidOperationException(
                $"The usage recorder is {_state.ToString().ToLowerInvariant()}; record {record.Id} was not accepted.");
        }
    }

    /// <summary>
    /// Puts <paramref name="record"/> in the buffer and numbers it, under one lock (see the fields); false when the
    /// buffer is full. Throws when the recorder is closed.
    /// </summary>
    private bool TryAccept(UsageRecord record)
    {
        lock (_gate)
        {
            ThrowIfClosed(record);
            if (!_buffer.Writer.TryWrite(record))
            {
                return false;
            }

            _recorded++;
            return true;
        }
    }

    private async ValueTask WaitForRoomAsync(UsageRecord record, CancellationToken cancellationToken)
    {
        while (await _buffer.Writer.WaitToWriteAsync(cancellationToken))
        {
            if (TryAccept(record))
            {
                return;
            }
        }

        // The buffer was completed: a stop began while this caller waited for room.
        lock (_gate)
        {
            ThrowIfClosed(record);
        }

        throw new InvalidOperationException($"The usage recorder is closed; record {record.Id} was not accepted.");
    }

    private async Task WaitAsync(FlushWaiter waiter, CancellationToken cancellationToken)
    {
        try
        {
            await waiter.Completion.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            lock (_gate)
            {
                _waiters.Remove(waiter);
            }

            throw;
        }
    }

    /// <summary>The writer loop: batches in the order recorded, each retried until it commits or the stop gives up.</summary>
    private async Task RunAsync()
    {
        var abandon = _abandon.Token;
        try
        {
            while (await _buffer.Reader.WaitToReadAsync(abandon))
            {
                var batch = new List<UsageRecord>(Math.Min(_options.BatchSize, 1024));
                _batch = batch;
                Take(batch);
                if (batch.Count < _options.BatchSize && await LingerAsync(abandon))
                {
                    Take(batch);
                }

                if (!await WriteAsync(batch, abandon))
                {
                    return;
                }

                _batch = [];
            }
        }
        catch (Exception ex) when (abandon.IsCancellationRequested)
        {
            // The stop's deadline: StopAsync reports what is left.
            if (ex is not OperationCanceledException)
            {
                lock (_gate)
                {
                    _lastFailure = ex;
                }
            }
        }
        catch (Exception ex)
        {
            // A bug of the recorder itself, not a database failure: nothing would write any more. Refuse new records
            // and report the unwritten ones rather than let them wait for ever.
            LogWriterCrashed(ex);
            lock (_gate)
            {
                _lastFailure = ex;
                _state = State.Stopping;
                _buffer.Writer.TryComplete();
            }
        }
        finally
        {
            lock (_gate)
            {
                // Whatever ended the writer, no flush may wait for it any more.
                _writerEnded = true;
                FailWaiters(long.MaxValue, "the recorder's writer has ended", _lastFailure);
            }
        }
    }

    private void Take(List<UsageRecord> batch)
    {
        while (batch.Count < _options.BatchSize && _buffer.Reader.TryRead(out var record))
        {
            batch.Add(record);
        }
    }

    /// <summary>Waits up to <see cref="UsageRecorderOptions.Linger"/> for more records; true if it waited.</summary>
    private async Task<bool> LingerAsync(CancellationToken abandon)
    {
        if (_options.Linger <= TimeSpan.Zero)
        {
            return false;
        }

        Task wake;
        lock (_gate)
        {
            if (_state != State.Running || _flushWanted > _committed)
            {
                return false;
            }

            _wake = NewSignal();
            wake = _wake.Task;
        }

        await SleepAsync(_options.Linger, wake, abandon);
        return true;
    }

    /// <summary>
    /// Writes <paramref name="batch"/>, retrying until it commits. False when a stop gave up on it after a refusal.
    /// </summary>
    private async Task<bool> WriteAsync(List<UsageRecord> batch, CancellationToken abandon)
    {
        var failures = 0;
        while (true)
        {
            long attempt;
            lock (_gate)
            {
                attempt = ++_attemptsStarted;
            }

            try
            {
                // After a failure the batch may have committed without our hearing of it: skip the stored ids.
                var result = await _writer.AppendAsync(batch, someMayBeStored: failures > 0, abandon);
                if (failures == 0 && result.AlreadyStored > 0)
                {
                    LogAlreadyStored(result.AlreadyStored, batch.Count, batch[0].Id);
                }
                else if (failures > 0)
                {
                    LogWrittenAfterFailures(batch.Count, batch[0].Id, failures, result.AlreadyStored);
                }

                Committed(batch.Count);
                return true;
            }
            catch (Exception ex) when (!abandon.IsCancellationRequested)
            {
                failures++;
                var transient = DatabaseErrorTranslator.IsTransient(ex);
                var delay = Backoff(failures);
                bool giveUp;
                Task wake;
                lock (_gate)
                {
                    _lastFailure = ex;
                    giveUp = !transient && _state != State.Running;
                    if (!transient)
                    {
                        FailWaiters(attempt, "the database refused them; they are kept and retried", ex);
                    }

                    _wake = NewSignal();
                    wake = _wake.Task;
                    if (!transient && _waiters.Count > 0)
                    {
                        // Flushes that came in during this attempt are owed an attempt of their own.
                        _wake.TrySetResult();
                    }
                }

                if (transient)
                {
                    LogTransientFailure(ex, batch.Count, batch[0].Id, failures, delay);
                }
                else if (giveUp)
                {
                    // Stopping: a refusal will not pass before the deadline; StopAsync hands the records back now.
                    LogRefusedWhileStopping(ex, batch.Count, batch[0].Id, failures);
                    return false;
                }
                else
                {
                    LogRefused(ex, batch.Count, batch[0].Id, failures, delay);
                }

                await SleepAsync(delay, wake, abandon);
            }
        }
    }

    /// <summary>Exponential backoff from <see cref="UsageRecorderOptions.RetryDelay"/>, capped, with up to 20 % jitter.</summary>
    private TimeSpan Backoff(int failures)
    {
        var exponential = _options.RetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 30));
        var capped = Math.Min(exponential, _options.MaxRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.8 + (0.2 * Random.Shared.NextDouble())));
    }

    /// <summary>Waits for <paramref name="delay"/> on the injected clock, or until <paramref name="wake"/> completes.</summary>
    private async Task SleepAsync(TimeSpan delay, Task wake, CancellationToken abandon)
    {
        using var sleeping = CancellationTokenSource.CreateLinkedTokenSource(abandon);
        var timer = Task.Delay(delay, _time, sleeping.Token);
        await Task.WhenAny(timer, wake);
        await sleeping.CancelAsync();
        abandon.ThrowIfCancellationRequested();
    }

    private void Committed(int count)
    {
        lock (_gate)
        {
            _committed += count;
            _lastFailure = null;
            _waiters.RemoveAll(waiter =>
            {
                if (waiter.Target > _committed)
                {
                    return false;
                }

                waiter.Completion.TrySetResult();
                return true;
            });
        }
    }

    /// <summary>Fails the flushes registered before attempt <paramref name="attempt"/> started. Call under <c>_gate</c>.</summary>
    private void FailWaiters(long attempt, string reason, Exception? cause)
    {
        _waiters.RemoveAll(waiter =>
        {
            if (waiter.AfterAttempt >= attempt)
            {
                return false;
            }

            waiter.Completion.TrySetException(Unwritten(waiter.Target - _committed, reason, cause));
            return true;
        });
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Writing {Count} usage records (first id {FirstId}) failed transiently (failure {Failures}); "
            + "they are kept and retried in {Delay}.")]
    private partial void LogTransientFailure(Exception exception, int count, Guid firstId, int failures, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Writing {Count} usage records (first id {FirstId}) was refused (failure {Failures}); "
            + "they are kept and retried in {Delay}, and FlushAsync reports them until they are written.")]
    private partial void LogRefused(Exception exception, int count, Guid firstId, int failures, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Writing {Count} usage records (first id {FirstId}) was refused while the recorder stops (failure {Failures}); "
            + "StopAsync hands them back with what is still queued.")]
    private partial void LogRefusedWhileStopping(Exception exception, int count, Guid firstId, int failures);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Wrote {Count} usage records (first id {FirstId}) after {Failures} failed attempts "
            + "({AlreadyStored} were already stored).")]
    private partial void LogWrittenAfterFailures(int count, Guid firstId, int failures, int alreadyStored);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{AlreadyStored} of {Count} usage records (batch's first id {FirstId}) were already stored under their id "
            + "and were not written again: the same record was recorded twice.")]
    private partial void LogAlreadyStored(int alreadyStored, int count, Guid firstId);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "{Count} usage records (first id {FirstId}) were not written before the recorder stopped; "
            + "they are handed back in the exception.")]
    private partial void LogNotWrittenAtStop(Exception? exception, long count, Guid firstId);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The usage recorder's writer stopped unexpectedly; it accepts no more records.")]
    private partial void LogWriterCrashed(Exception exception);

    /// <summary>A <see cref="FlushAsync"/> waiting for the first <see cref="Target"/> records.</summary>
    private sealed class FlushWaiter(long target, long afterAttempt)
    {
        public long Target { get; } = target;

        /// <summary>Attempts started before the flush; only a later attempt's refusal fails it.</summary>
        public long AfterAttempt { get; } = afterAttempt;

        public TaskCompletionSource Completion { get; } = NewSignal();
    }
}
