using Domain.Application.Common;
using Domain.Application.Ledgers;
using Domain.Common;
using Domain.Files;
using Domain.Persistence.Files;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Domain.Application.Files.Deletion;

/// <summary>
/// One worker of the deletion queue: claims a batch of jobs for the places it has removers for (<c>FOR UPDATE SKIP
/// LOCKED</c> with a lease, so no two workers, in this process or another, run the same job), removes each copy through
/// its <see cref="IFileRemover"/>, and records the outcome: success (the job's trigger marks the copy, and the file once
/// its last job succeeded), or the failed attempt with its error and a retry after exponential backoff, failed for good
/// after <see cref="FileDeletionOptions.MaxAttempts"/>. A worker that dies mid-job leaves the job leased; once the lease
/// expires another worker claims it (the lost attempt recorded as such). Works as the service role.
/// </summary>
public sealed partial class FileDeletionWorker
{
    private readonly RequestPipeline _pipeline;
    private readonly FileRemovers _removers;
    private readonly FileDeletionOptions _options;
    private readonly TimeProvider _clock;
    private readonly RetryBackoff _retries;
    private readonly RetryBackoff _idle;
    private readonly ILogger _logger;

    /// <param name="pipeline">Runs the queue's statements as the service role.</param>
    /// <param name="removers">The places this worker serves.</param>
    /// <param name="options">Batch size, lease, timeouts, attempts and backoff.</param>
    /// <param name="name">The worker's name in the queue (<c>locked_by</c>): unique among every worker of every process.</param>
    /// <param name="clock">The clock of the worker's own waits (leases and retries are timed by the database).</param>
    /// <param name="logger">Where outcomes and failures are logged.</param>
    public FileDeletionWorker(
        RequestPipeline pipeline, FileRemovers removers, FileDeletionOptions options, string name, TimeProvider clock, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(removers);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(clock);
        _pipeline = pipeline;
        _removers = removers;
        _options = options;
        Name = name;
        _clock = clock;
        _retries = new RetryBackoff(options.RetryDelay, options.MaxRetryDelay);
        _idle = new RetryBackoff(options.PollInterval, TimeSpan.FromTicks(Math.Max(options.PollInterval.Ticks, options.MaxRetryDelay.Ticks)));
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The worker's name in the queue.</summary>
    public string Name { get; }

    /// <summary>
    /// Claims one batch and works it; returns how many jobs it claimed (0: nothing was due for this worker's places).
    /// When <paramref name="stoppingToken"/> fires, the removal in progress is abandoned and the jobs not yet worked are
    /// given back to the queue.
    /// </summary>
    /// <exception cref="Exception">The claim failed (database unreachable, say); nothing was claimed or the claim's
    /// jobs come back when their lease expires.</exception>
    public async Task<int> RunOnceAsync(CancellationToken stoppingToken = default)
    {
        var jobs = await _pipeline.RunAsync(
            Caller.Service,
            (context, ct) => context.ClaimFileDeletionJobsAsync(Name, _removers.Places, _options.BatchSize, _options.Lease, _options.MaxAttempts, ct),
            stoppingToken);
        for (var i = 0; i < jobs.Count; i++)
        {
            if (stoppingToken.IsCancellationRequested || !await WorkAsync(jobs[i], stoppingToken))
            {
                await ReleaseAsync([.. jobs.Skip(i).Select(j => j.Id)]);
                break;
            }
        }

        return jobs.Count;
    }

    /// <summary>
    /// Works the queue until <paramref name="stoppingToken"/> fires: a batch after another while there are jobs, a
    /// poll every <see cref="FileDeletionOptions.PollInterval"/> (with jitter) when there are none, and a growing wait
    /// while the queue cannot be reached.
    /// </summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            int claimed;
            try
            {
                claimed = await RunOnceAsync(stoppingToken);
                failures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failures++;
                claimed = 0;
                LogClaimFailed(ex, Name, failures);
            }

            if (claimed > 0)
            {
                continue;
            }

            try
            {
                await Task.Delay(_idle.DelayAfter(failures + 1), _clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Removes the job's copy and records the outcome; false when the worker is stopping and the job was not worked.</summary>
    private async Task<bool> WorkAsync(FileDeletionJob job, CancellationToken stoppingToken)
    {
        var remover = _removers.For(job)
            ?? throw new InvalidOperationException($"Job {job.Id} was claimed for {FilePlace.Of(job)}, which this worker has no remover for.");
        var removal = new FileRemoval(job.Id, job.FileId, job.UserId, FilePlace.Of(job), job.Target, job.Attempts);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(_options.RemoveTimeout);
        try
        {
            await remover.RemoveAsync(removal, timeout.Token);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception ex)
        {
            var error = ErrorOf(ex, timeout.IsCancellationRequested);
            await RecordFailureAsync(job, error, ex);
            return true;
        }

        try
        {
            await _pipeline.RunAsync(Caller.Service, (context, ct) => context.CompleteFileDeletionJobAsync(job.Id, ct), CancellationToken.None);
            LogRemoved(job.Id, removal.Place.ToString(), job.FileId, job.Attempts);
        }
        catch (Exception ex)
        {
            // The copy is gone but the queue does not know: once the lease expires, another worker removes it again
            // (removers treat a copy already gone as success) and records it.
            LogNotRecorded(ex, job.Id, Name);
        }

        return true;
    }

    private async Task RecordFailureAsync(FileDeletionJob job, string error, Exception exception)
    {
        var retryIn = _retries.DelayAfter(job.Attempts);
        try
        {
            var status = await _pipeline.RunAsync(
                Caller.Service,
                (context, ct) => context.FailFileDeletionJobAsync(job.Id, job.Attempts, Name, error, retryIn, _options.MaxAttempts, ct),
                CancellationToken.None);
            switch (status)
            {
                case FileDeletionJobStatus.Failed:
                    LogFailedForGood(exception, job.Id, FilePlace.Of(job).ToString(), job.FileId, job.Attempts);
                    break;
                case FileDeletionJobStatus.Pending:
                    LogAttemptFailed(exception, job.Id, FilePlace.Of(job).ToString(), job.Attempts, _options.MaxAttempts, retryIn);
                    break;
                default:
                    LogLeaseLost(job.Id, Name, job.Attempts);
                    break;
            }
        }
        catch (Exception ex)
        {
            LogNotRecorded(ex, job.Id, Name);
        }
    }

    private async Task ReleaseAsync(IReadOnlyList<Guid> jobIds)
    {
        try
        {
            await _pipeline.RunAsync(Caller.Service, (context, ct) => context.ReleaseFileDeletionJobsAsync(jobIds, Name, ct), CancellationToken.None);
        }
        catch (Exception ex)
        {
            // Their lease expires; another worker claims them then.
            LogNotReleased(ex, jobIds.Count, Name);
        }
    }

    /// <summary>The error a failed attempt records: the exception's type and message, storable and at most the limit long.</summary>
    internal static string ErrorOf(Exception exception, bool timedOut)
    {
        var text = timedOut && exception is OperationCanceledException
            ? "the remover did not finish within the remove timeout"
            : $"{exception.GetType().Name}: {exception.Message}";
        text = text.Replace('\0', ' ');
        if (StorableText.Problem(text) is not null)
        {
            text = new string([.. text.Select(c => char.IsSurrogate(c) ? '?' : c)]);
        }

        return text.Length <= FileLimits.DeletionErrorMaxLength ? text : text[..(FileLimits.DeletionErrorMaxLength - 1)] + "…";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deletion job {JobId} removed the copy in {Place} of file {FileId} (attempt {Attempt})")]
    private partial void LogRemoved(Guid jobId, string place, Guid fileId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Deletion job {JobId} ({Place}) failed attempt {Attempt} of {MaxAttempts}; it is retried in {RetryIn}")]
    private partial void LogAttemptFailed(Exception exception, Guid jobId, string place, int attempt, int maxAttempts, TimeSpan retryIn);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Deletion job {JobId} ({Place}) of file {FileId} failed its last attempt ({Attempt}); the file stays deleting until an operator retries the job")]
    private partial void LogFailedForGood(Exception exception, Guid jobId, string place, Guid fileId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deletion job {JobId}: worker {Worker} no longer held attempt {Attempt} (its lease expired); the failure was not recorded")]
    private partial void LogLeaseLost(Guid jobId, string worker, int attempt);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Deletion job {JobId}: worker {Worker} could not record the outcome; the job is claimed again when its lease expires")]
    private partial void LogNotRecorded(Exception exception, Guid jobId, string worker);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {Worker} could not give back {Count} jobs while stopping; they are claimed again when their lease expires")]
    private partial void LogNotReleased(Exception exception, int count, string worker);

    [LoggerMessage(Level = LogLevel.Error, Message = "Worker {Worker} could not claim deletion jobs ({Failures} in a row); it waits and tries again")]
    private partial void LogClaimFailed(Exception exception, string worker, int failures);
}
