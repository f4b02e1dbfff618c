using Domain.Application.Ledgers;
using Domain.Persistence.Ledgers;
using Domain.Prompts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Domain.Application.Prompts;

/// <summary>
/// Records how prompt versions perform (<c>prompt_performance</c>) off the caller's path, exactly once: the typed face of
/// <see cref="LedgerRecorder{TRecord}"/>, the same machinery <see cref="Usage.UsageRecorder"/> uses, writing through the
/// model-driven <see cref="CopyLedgerWriter{TRecord}"/> (binary COPY per batch as the service role).
/// </summary>
/// <remarks>
/// Every guarantee of <see cref="Usage.UsageRecorder"/> holds here with this ledger's names: <see cref="RecordAsync"/>
/// returns once the record is in a bounded buffer (waits for room, never drops); batches are retried with capped
/// backoff until they commit, each record stored once; refusals are logged and reported by <see cref="FlushAsync"/>;
/// <see cref="StopAsync"/> writes what is queued and hands back what it could not
/// (<see cref="PromptPerformanceRecordingException"/>); disposal never throws. A record's version must exist (the
/// table keeps a key to it): a record of an unknown version is refused like any other refusal.
/// </remarks>
public sealed class PromptPerformanceRecorder : IHostedService, IAsyncDisposable, IDisposable
{
    private static readonly LedgerDescription<PromptPerformanceRecord> PerformanceLedger = new(
        Name: "prompt performance",
        Table: "prompt_performance",
        IdOf: record => record.Id,
        Unwritten: (count, message, cause, records) => new PromptPerformanceRecordingException(count, message, cause, records));

    private readonly LedgerRecorder<PromptPerformanceRecord> _recorder;

    /// <param name="writer">Writes each batch exactly once.</param>
    /// <param name="options">Checked here: an invalid value throws <see cref="ArgumentOutOfRangeException"/> naming it.</param>
    /// <param name="time">The clock of the linger, the retry backoff and the dispose deadline.</param>
    /// <param name="logger">Where failures and retries are logged; without one, nothing is logged.</param>
    public PromptPerformanceRecorder(
        ILedgerWriter<PromptPerformanceRecord> writer,
        PromptPerformanceRecorderOptions options,
        TimeProvider time,
        ILogger<PromptPerformanceRecorder>? logger = null)
    {
        _recorder = new LedgerRecorder<PromptPerformanceRecord>(
            PerformanceLedger, writer, options, time, logger ?? NullLogger<PromptPerformanceRecorder>.Instance);
    }

    /// <summary>Accepts <paramref name="record"/> for writing: synchronously when the buffer has room, otherwise once it has.</summary>
    /// <param name="record">The record; its id makes a second recording of it harmless.</param>
    /// <param name="cancellationToken">Cancels only a wait for room; a cancelled call did not accept the record.</param>
    /// <exception cref="InvalidOperationException">The recorder is stopping or stopped; the record was not accepted.</exception>
    public ValueTask RecordAsync(PromptPerformanceRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return _recorder.RecordAsync(record, cancellationToken);
    }

    /// <summary>Completes when every record accepted before this call is committed to <c>prompt_performance</c>.</summary>
    /// <exception cref="PromptPerformanceRecordingException">A write made after this call was refused, or the recorder has stopped.</exception>
    /// <exception cref="InvalidOperationException">The recorder was never started.</exception>
    public Task FlushAsync(CancellationToken cancellationToken = default) => _recorder.FlushAsync(cancellationToken);

    /// <summary>Starts the background writer.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => _recorder.StartAsync(cancellationToken);

    /// <summary>Stops accepting records and writes everything queued; throws with what could not be written.</summary>
    /// <exception cref="PromptPerformanceRecordingException">Records not written before the token fired or refused, handed back.</exception>
    public Task StopAsync(CancellationToken cancellationToken) => _recorder.StopAsync(cancellationToken);

    /// <summary>Stops the recorder if <see cref="StopAsync"/> did not; never throws (what it drops is logged).</summary>
    public ValueTask DisposeAsync() => _recorder.DisposeAsync();

    /// <summary>The same as <see cref="DisposeAsync"/> for a container disposed synchronously. Never throws.</summary>
    public void Dispose() => _recorder.Dispose();
}
