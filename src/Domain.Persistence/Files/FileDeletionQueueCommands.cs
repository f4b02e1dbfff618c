using Domain.Files;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Domain.Persistence.Files;

/// <summary>The places a worker can remove copies from: storage, and the providers it has a remover for.</summary>
public sealed record FileDeletionPlaces(bool Storage, IReadOnlyList<string> Providers)
{
    /// <summary>Whether there is any place at all.</summary>
    public bool IsEmpty => !Storage && Providers.Count == 0;
}

/// <summary>
/// The deletion queue's statements (<c>domain_ops.file_deletion_jobs</c>), each one statement in its own implicit
/// transaction, as the service role (nobody else has a grant on the queue). Time is the database's: the queue is shared
/// by every process that runs workers, and one clock decides leases and retries for all of them.
/// </summary>
public static class FileDeletionQueueCommands
{
    private const string Queue = $"{DatabaseSchemas.Operations}.file_deletion_jobs";
    private const string Status = $"{DatabaseSchemas.Operations}.{PostgresEnums.FileDeletionJobStatus}";

    /// <summary>
    /// Claims up to <c>@batch_size</c> jobs for the places the worker serves: running jobs whose lease has expired (their
    /// worker stopped or lost its connection; that attempt is recorded as failed), then pending jobs whose time has
    /// come, oldest first. Rows another worker is claiming are skipped, never waited for, so no two workers get the same
    /// job. Each kind is read in index order and stops at the batch size (a bitmap over every due job would cost each
    /// claim the whole backlog). An expired job that has used every attempt fails instead of running again.
    /// </summary>
    internal const string ClaimSql = $"""
        WITH expired AS MATERIALIZED (
            SELECT id FROM {Queue}
             WHERE status = 'running' AND locked_until <= now()
               AND ((location = 'storage' AND @storage) OR (location = 'provider' AND provider = ANY (@providers)))
             ORDER BY locked_until
             LIMIT @batch_size
             FOR UPDATE SKIP LOCKED),
        pending AS MATERIALIZED (
            SELECT id FROM {Queue}
             WHERE status = 'pending' AND run_after <= now()
               AND ((location = 'storage' AND @storage) OR (location = 'provider' AND provider = ANY (@providers)))
             ORDER BY run_after
             LIMIT @batch_size
             FOR UPDATE SKIP LOCKED),
        due AS (
            SELECT j.id,
                   j.status = 'running' AS lease_expired,
                   j.status = 'running' AND j.attempts >= @max_attempts AS exhausted,
                   format('lease expired: %s did not finish attempt %s by %s (it stopped or lost its connection)',
                          j.locked_by, j.attempts, j.locked_until) AS error
              FROM {Queue} j
             WHERE j.id IN (SELECT id FROM (SELECT id, 0 AS kind FROM expired UNION ALL SELECT id, 1 FROM pending) AS candidates
                             ORDER BY kind LIMIT @batch_size))
        UPDATE {Queue} j
           SET status = CASE WHEN d.exhausted THEN 'failed'::{Status} ELSE 'running'::{Status} END,
               attempts = CASE WHEN d.exhausted THEN j.attempts ELSE j.attempts + 1 END,
               locked_by = CASE WHEN d.exhausted THEN NULL ELSE @worker END,
               locked_until = CASE WHEN d.exhausted THEN NULL ELSE now() + @lease END,
               last_error = CASE WHEN d.lease_expired THEN d.error ELSE j.last_error END,
               attempt_errors = CASE WHEN d.lease_expired
                                     THEN j.attempt_errors || jsonb_build_array(jsonb_build_object(
                                          'attempt', j.attempts, 'at', now(), 'worker', j.locked_by, 'error', d.error))
                                     ELSE j.attempt_errors END,
               completed_at = CASE WHEN d.exhausted THEN now() END
          FROM due d
         WHERE j.id = d.id
        RETURNING j.*
        """;

    /// <summary>The copy is gone: the job succeeds (whoever holds it now), and its trigger marks the copy and, after the last job, the file.</summary>
    internal const string CompleteSql = $"""
        UPDATE {Queue}
           SET status = 'succeeded', locked_by = NULL, locked_until = NULL, completed_at = now()
         WHERE id = @id AND status <> 'succeeded'
        """;

    /// <summary>
    /// The attempt failed: recorded with its error, and the job waits <c>@retry_delay</c>, or fails for good after its
    /// last attempt. Only the worker still holding the attempt records it (a worker whose lease expired does not).
    /// </summary>
    private const string FailSql = $"""
        UPDATE {Queue}
           SET status = CASE WHEN attempts >= @max_attempts THEN 'failed'::{Status} ELSE 'pending'::{Status} END,
               run_after = now() + @retry_delay,
               locked_by = NULL,
               locked_until = NULL,
               last_error = @error,
               attempt_errors = attempt_errors || jsonb_build_array(jsonb_build_object('attempt', attempts, 'at', now(), 'worker', @worker, 'error', @error)),
               completed_at = CASE WHEN attempts >= @max_attempts THEN now() END
         WHERE id = @id AND status = 'running' AND attempts = @attempt AND locked_by = @worker
        RETURNING status AS "Value"
        """;

    /// <summary>Jobs a stopping worker claimed but did not start go back to pending, their attempt not counted.</summary>
    private const string ReleaseSql = $"""
        UPDATE {Queue}
           SET status = 'pending', attempts = attempts - 1, locked_by = NULL, locked_until = NULL, run_after = now()
         WHERE id = ANY (@ids) AND status = 'running' AND locked_by = @worker
        """;

    /// <summary>Failed jobs start over with every attempt; their history stays.</summary>
    private const string RetryFailedSql = $"""
        UPDATE {Queue}
           SET status = 'pending', attempts = 0, run_after = now(), completed_at = NULL
         WHERE status = 'failed' AND (@all OR id = ANY (@ids))
        """;

    /// <summary>
    /// Claims up to <paramref name="batchSize"/> jobs for <paramref name="places"/> as <paramref name="worker"/>, each
    /// leased for <paramref name="lease"/>; returns the jobs claimed (running, leased to the worker). A job whose lease
    /// expired after its last attempt is failed instead and not returned.
    /// </summary>
    public static async Task<List<FileDeletionJob>> ClaimFileDeletionJobsAsync(
        this DomainDbContext db, string worker, FileDeletionPlaces places, int batchSize, TimeSpan lease, int maxAttempts,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(worker);
        ArgumentNullException.ThrowIfNull(places);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        if (places.IsEmpty)
        {
            return [];
        }

        var claimed = await db.FileDeletionJobs.FromSqlRaw(
                ClaimSql,
                new NpgsqlParameter("storage", NpgsqlDbType.Boolean) { Value = places.Storage },
                new NpgsqlParameter("providers", NpgsqlDbType.Array | NpgsqlDbType.Varchar) { Value = places.Providers.ToArray() },
                new NpgsqlParameter("batch_size", NpgsqlDbType.Integer) { Value = batchSize },
                new NpgsqlParameter("max_attempts", NpgsqlDbType.Integer) { Value = maxAttempts },
                new NpgsqlParameter("worker", NpgsqlDbType.Varchar) { Value = worker },
                new NpgsqlParameter("lease", NpgsqlDbType.Interval) { Value = lease })
            .AsNoTracking()
            .ToListAsync(cancellationToken);
        return [.. claimed.Where(j => j.Status == FileDeletionJobStatus.Running && j.LockedBy == worker)];
    }

    /// <summary>Marks the job succeeded; false when it already was.</summary>
    public static async Task<bool> CompleteFileDeletionJobAsync(this DomainDbContext db, Guid jobId, CancellationToken cancellationToken = default)
        => await db.Database.ExecuteSqlRawAsync(CompleteSql, [new NpgsqlParameter("id", NpgsqlDbType.Uuid) { Value = jobId }], cancellationToken) == 1;

    /// <summary>
    /// Records that <paramref name="worker"/>'s attempt <paramref name="attempt"/> of the job failed with
    /// <paramref name="error"/>; returns the job's status now (pending, to be retried after <paramref name="retryDelay"/>,
    /// or failed after <paramref name="maxAttempts"/>), or null when the worker no longer held that attempt.
    /// </summary>
    public static async Task<FileDeletionJobStatus?> FailFileDeletionJobAsync(
        this DomainDbContext db, Guid jobId, int attempt, string worker, string error, TimeSpan retryDelay, int maxAttempts,
        CancellationToken cancellationToken = default)
    {
        var statuses = await db.Database.SqlQueryRaw<FileDeletionJobStatus>(
                FailSql,
                new NpgsqlParameter("id", NpgsqlDbType.Uuid) { Value = jobId },
                new NpgsqlParameter("attempt", NpgsqlDbType.Integer) { Value = attempt },
                new NpgsqlParameter("worker", NpgsqlDbType.Varchar) { Value = worker },
                new NpgsqlParameter("error", NpgsqlDbType.Text) { Value = error },
                new NpgsqlParameter("retry_delay", NpgsqlDbType.Interval) { Value = retryDelay },
                new NpgsqlParameter("max_attempts", NpgsqlDbType.Integer) { Value = maxAttempts })
            .ToListAsync(cancellationToken);
        return statuses.Count == 0 ? null : statuses[0];
    }

    /// <summary>Gives back jobs <paramref name="worker"/> claimed but did not start; returns how many.</summary>
    public static Task<int> ReleaseFileDeletionJobsAsync(
        this DomainDbContext db, IReadOnlyList<Guid> jobIds, string worker, CancellationToken cancellationToken = default)
        => jobIds.Count == 0
            ? Task.FromResult(0)
            : db.Database.ExecuteSqlRawAsync(
                ReleaseSql,
                [
                    new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = jobIds.ToArray() },
                    new NpgsqlParameter("worker", NpgsqlDbType.Varchar) { Value = worker },
                ],
                cancellationToken);

    /// <summary>Puts failed jobs back in the queue with every attempt (all of them when <paramref name="jobIds"/> is null); returns how many.</summary>
    public static Task<int> RetryFailedFileDeletionJobsAsync(
        this DomainDbContext db, IReadOnlyList<Guid>? jobIds = null, CancellationToken cancellationToken = default)
        => db.Database.ExecuteSqlRawAsync(
            RetryFailedSql,
            [
                new NpgsqlParameter("all", NpgsqlDbType.Boolean) { Value = jobIds is null },
                new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = (jobIds ?? []).ToArray() },
            ],
            cancellationToken);
}
