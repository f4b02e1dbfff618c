using Domain.Application.Telemetry;
using Domain.Persistence.Errors;
using Domain.Persistence.Ledgers;
using Microsoft.Extensions.Logging;

namespace Domain.Application.Ledgers;

/// <summary>
/// The background writer of a ledger recorder: takes the buffer's records in batches, in the order they were
/// accepted, and writes each batch until it commits, however long that takes, before it takes the next.
/// </summary>
/// <remarks>
/// Every failure is logged and retried with capped exponential backoff; after a failure the writer is told that some
/// records may be stored already, so a commit whose acknowledgement was lost is not written twice. A refusal (not
/// transient) fails the flushes that were waiting for the batch; while the recorder stops, it ends the loop instead,
/// because a refusal will not pass before the stop's deadline.
/// </remarks>
internal sealed class LedgerWriteLoop<TRecord>
{
    private const string RefusedReason = "the database refused them; they are kept and retried";

    private readonly LedgerDescription<TRecord> _ledger;
    private readonly RecordBuffer<TRecord> _buffer;
    private readonly ILedgerWriter<TRecord> _writer;
    private readonly FlushTracker _flushes;
    private readonly InterruptibleDelay _delay;
    private readonly RetryBackoff _backoff;
    private readonly LedgerRecorderOptions _options;
    private readonly ILogger _logger;

    // Only the loop sets it; read by others only after the loop has ended.
    private List<TRecord> _batch = [];

    public LedgerWriteLoop(
        LedgerDescription<TRecord> ledger,
        RecordBuffer<TRecord> buffer,
        ILedgerWriter<TRecord> writer,
        FlushTracker flushes,
        InterruptibleDelay delay,
        LedgerRecorderOptions options,
        ILogger logger)
    {
        _ledger = ledger;
        _buffer = buffer;
        _writer = writer;
        _flushes = flushes;
        _delay = delay;
        _options = options;
        _logger = logger;
        _backoff = new RetryBackoff(options.RetryDelay, options.MaxRetryDelay);
    }

    /// <summary>The batch the loop was writing when it ended without committing it; empty when it ended between batches.</summary>
    public IReadOnlyList<TRecord> Unfinished => _batch;

    /// <summary>
    /// Writes until the buffer is closed and empty, or a batch is refused while the buffer is closed (the batch stays
    /// in <see cref="Unfinished"/>).
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="abandon"/> fired: the stop gave up waiting.</exception>
    public async Task RunAsync(CancellationToken abandon)
    {
        while (await _buffer.WaitToTakeAsync(abandon))
        {
            var batch = new List<TRecord>(Math.Min(_options.BatchSize, 1024));
            _batch = batch;
            _buffer.TakeInto(batch, _options.BatchSize);
            if (batch.Count < _options.BatchSize && await LingerAsync(abandon))
            {
                _buffer.TakeInto(batch, _options.BatchSize);
            }

            if (!await WriteAsync(batch, abandon))
            {
                return;
            }

            _batch = [];
        }
    }

    /// <summary>Waits up to the linger for more records, unless a flush or a stop wants them now; true if it waited.</summary>
    private Task<bool> LingerAsync(CancellationToken abandon)
        => _delay.WaitAsync(_options.Linger, () => _buffer.IsClosed || _flushes.HasPending, abandon);

    /// <summary>Writes <paramref name="batch"/>, retrying until it commits. False when it was refused while stopping.</summary>
    private async Task<bool> WriteAsync(List<TRecord> batch, CancellationToken abandon)
    {
        var failures = 0;
        while (true)
        {
            var attempt = _flushes.StartAttempt();
            using var activity = ApplicationTelemetry.StartLedgerBatch(_ledger.Table, batch.Count, failures + 1);
            try
            {
                var result = await _writer.AppendAsync(batch, someMayBeStored: failures > 0, abandon);
                ApplicationTelemetry.LedgerBatchCommitted(activity, _ledger.Table, batch.Count);
                if (failures == 0 && result.AlreadyStored > 0)
                {
                    _logger.AlreadyStored(_ledger.Table, result.AlreadyStored, batch.Count, _ledger.IdOf(batch[0]));
                }
                else if (failures > 0)
                {
                    _logger.WrittenAfterFailures(_ledger.Table, batch.Count, _ledger.IdOf(batch[0]), failures, result.AlreadyStored);
                }

                _flushes.Commit(batch.Count);
                return true;
            }
            catch (Exception ex) when (!abandon.IsCancellationRequested)
            {
                failures++;
                var delay = _backoff.DelayAfter(failures);
                var firstId = _ledger.IdOf(batch[0]);
                var transient = DatabaseErrorTranslator.IsTransient(ex);
                ApplicationTelemetry.LedgerBatchFailed(activity, _ledger.Table, transient, ex);
                if (transient)
                {
                    _flushes.Failed(ex);
                    _logger.TransientFailure(ex, _ledger.Table, batch.Count, firstId, failures, delay);
                    await _delay.WaitAsync(delay, static () => false, abandon);
                    continue;
                }

                _flushes.Refused(attempt, RefusedReason, ex);
                if (_buffer.IsClosed)
                {
                    _logger.RefusedWhileStopping(ex, _ledger.Table, batch.Count, firstId, failures);
                    return false;
                }

                _logger.Refused(ex, _ledger.Table, batch.Count, firstId, failures, delay);

                // Flushes that came in during the refused attempt are owed an attempt of their own: no backoff for
                // them. Nor for a stop that began since the look above: its next refusal ends the loop at once.
                await _delay.WaitAsync(delay, () => _flushes.HasPending || _buffer.IsClosed, abandon);
            }
        }
    }
}
