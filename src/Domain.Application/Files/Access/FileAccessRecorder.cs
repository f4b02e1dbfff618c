using Domain.Application.Common;
using Domain.Application.Ledgers;
using Domain.Persistence.Files;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Domain.Application.Files.Access;

/// <summary>What one flush did: files whose counters it wrote, and files it left waiting because another transaction held their row.</summary>
public sealed record FileAccessFlush(int Written, int Deferred);

/// <summary>
/// Counts file accesses without write amplification (issue 13, item 4). <see cref="Record"/> only adds to a tally per
/// file in memory; every <see cref="FileAccessOptions.FlushInterval"/> (or sooner, when
/// <see cref="FileAccessOptions.FlushThreshold"/> files are waiting) one statement adds each file's tally to its
/// <c>access_count</c> and moves its <c>last_accessed_at</c>, as the service role. A thousand reads of one file between
/// two flushes are one update of its row, and no reader ever waits on a lock for it: reading takes no row lock in
/// PostgreSQL, recording touches no row, and the flush skips rows another transaction holds (they wait for the next
/// flush) instead of waiting for them.
/// </summary>
/// <remarks>
/// The tallies are memory: what a process had not flushed when it died is not counted (at most one interval's worth;
/// stopping the host flushes). A failed flush keeps its tallies and is retried with capped backoff; it is logged, never
/// dropped silently.
/// </remarks>
public sealed partial class FileAccessRecorder : BackgroundService
{
    private readonly PendingFileAccesses _pending = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private readonly RequestPipeline _pipeline;
    private readonly TimeProvider _clock;
    private readonly FileAccessOptions _options;
    private readonly InterruptibleDelay _delay;
    private readonly RetryBackoff _backoff;
    private readonly ILogger _logger;

    public FileAccessRecorder(RequestPipeline pipeline, TimeProvider clock, IOptions<FileAccessOptions> options, ILogger<FileAccessRecorder>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(options);
        _pipeline = pipeline;
        _clock = clock;
        _options = options.Value;
        _delay = new InterruptibleDelay(clock);
        _backoff = new RetryBackoff(_options.RetryDelay, _options.MaxRetryDelay);
        _logger = logger ?? NullLogger<FileAccessRecorder>.Instance;
    }

    /// <summary>How many files have accesses waiting to be written.</summary>
    public int Waiting => _pending.Files;

    /// <summary>Counts one access of the file, now. Touches no database; callers check that the caller may open the file.</summary>
    public void Record(Guid fileId)
    {
        if (_pending.Add(fileId, _clock.GetUtcNow()) >= _options.FlushThreshold)
        {
            _delay.Interrupt();
        }
    }

    /// <summary>
    /// Writes the accesses waiting now, in one statement, and returns what it did; files whose row another transaction
    /// held stay waiting. One flush runs at a time.
    /// </summary>
    /// <exception cref="Exception">The database refused or could not be reached; the accesses stay waiting.</exception>
    public async Task<FileAccessFlush> FlushAsync(CancellationToken cancellationToken = default)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            var tallies = _pending.TakeAll();
            if (tallies.Count == 0)
            {
                return new FileAccessFlush(0, 0);
            }

            IReadOnlyList<Guid> skipped;
            try
            {
                skipped = await _pipeline.RunAsync(Caller.Service, (context, ct) => context.FlushFileAccessesAsync(tallies, ct), cancellationToken);
            }
            catch
            {
                _pending.Restore(tallies);
                throw;
            }

            if (skipped.Count > 0)
            {
                var held = skipped.ToHashSet();
                _pending.Restore(tallies.Where(t => held.Contains(t.FileId)));
                LogDeferred(skipped.Count);
            }

            return new FileAccessFlush(tallies.Count - skipped.Count, skipped.Count);
        }
        finally
        {
            _flushing.Release();
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var wait = failures == 0 ? _options.FlushInterval : _backoff.DelayAfter(failures);
                await _delay.WaitAsync(wait, () => failures == 0 && _pending.Files >= _options.FlushThreshold, stoppingToken);
                await FlushAsync(stoppingToken);
                failures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failures++;
                LogFlushFailed(ex, _pending.Files, failures);
            }
        }
    }

    /// <summary>Stops the periodic flush, then writes what is waiting; a failure is logged with how many files' accesses it lost.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await FlushAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            LogLostOnStop(ex, _pending.Files);
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        base.Dispose();
        _flushing.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Count} files' accesses wait for the next flush: another transaction held their rows")]
    private partial void LogDeferred(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing file accesses failed ({Failures} in a row); {Files} files' accesses wait and are retried")]
    private partial void LogFlushFailed(Exception exception, int files, int failures);

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing file accesses failed while stopping; {Files} files' accesses were not counted")]
    private partial void LogLostOnStop(Exception exception, int files);
}
