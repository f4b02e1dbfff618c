using Domain.Application.Ledgers;
using Domain.Persistence.Ledgers;
using Domain.Persistence.Usage;
using Domain.Usage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

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
/// <para>This class is the typed face of <see cref="LedgerRecorder{TRecord}"/>, the mechanism every ledger recorder
/// shares; the buffer, the flush bookkeeping, the backoff and the writer loop are parts of it.</para>
/// </remarks>
public sealed class UsageRecorder : IHostedService, IAsyncDisposable, IDisposable
{
    private static readonly LedgerDescription<UsageRecord> UsageLedger = new(
        Name: "usage",
        Table: "usage_logs",
        IdOf: record => record.Id,
        Unwritten: (count, message, cause, records) => new UsageRecordingException(count, message, cause, records));

    private readonly LedgerRecorder<UsageRecord> _recorder;

    /// <param name="writer">Writes each batch exactly once: the <see cref="UsageLogWriter"/>.</param>
    /// <param name="options">Checked here: an invalid value throws <see cref="ArgumentOutOfRangeException"/> naming it.</param>
    /// <param name="time">The clock of the linger, the retry backoff and the dispose deadline.</param>
    /// <param name="logger">Where failures and retries are logged; without one, nothing is logged.</param>
    public UsageRecorder(
        ILedgerWriter<UsageRecord> writer, UsageRecorderOptions options, TimeProvider time, ILogger<UsageRecorder>? logger = null)
    {
        _recorder = new LedgerRecorder<UsageRecord>(UsageLedger, writer, options, time, logger ?? NullLogger<UsageRecorder>.Instance);
    }

    /// <summary>
    /// Whether the recorder runs, how many accepted records are not committed yet, and the last write failure (null
    /// once a later attempt committed): what a health check reports.
    /// </summary>
    public RecorderStatus Status => _recorder.Status;

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
        return _recorder.RecordAsync(record, cancellationToken);
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
    public Task FlushAsync(CancellationToken cancellationToken = default) => _recorder.FlushAsync(cancellationToken);

    /// <summary>Starts the background writer. Records accepted before the start are written once it runs.</summary>
    /// <exception cref="InvalidOperationException">The recorder was already started.</exception>
    public Task StartAsync(CancellationToken cancellationToken) => _recorder.StartAsync(cancellationToken);

    /// <summary>
    /// Stops accepting records (<see cref="RecordAsync"/> throws from now on, waiting callers included) and writes
    /// everything queued. Returns when all of it is committed. Transient failures are retried until
    /// <paramref name="cancellationToken"/> fires; a refusal ends the stop at once.
    /// </summary>
    /// <exception cref="UsageRecordingException">Records could not be written before the token fired or were refused:
    /// how many, why, and the records themselves (<see cref="LedgerRecordingException{TRecord}.UnwrittenRecords"/>). The
    /// recorder no longer holds them.</exception>
    public Task StopAsync(CancellationToken cancellationToken) => _recorder.StopAsync(cancellationToken);

    /// <summary>
    /// Stops the recorder if <see cref="StopAsync"/> did not, giving the writer <see cref="LedgerRecorderOptions.StopTimeout"/>.
    /// Never throws: records it could not write are logged as an error (count and first id) and dropped, so stop the
    /// recorder first to get them back. After <see cref="StopAsync"/> it does nothing.
    /// </summary>
    public ValueTask DisposeAsync() => _recorder.DisposeAsync();

    /// <summary>
    /// The same as <see cref="DisposeAsync"/> for a container disposed synchronously: waits, on the thread pool, for
    /// at most <see cref="LedgerRecorderOptions.StopTimeout"/>. Never throws.
    /// </summary>
    public void Dispose() => _recorder.Dispose();
}
