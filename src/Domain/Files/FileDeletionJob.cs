namespace Domain.Files;

/// <summary>Where a copy of a file lives; a PostgreSQL enum (<c>domain_ops.file_location</c>).</summary>
public enum FileLocation
{
    /// <summary>The file's bytes in storage, at its storage path.</summary>
    Storage,

    /// <summary>A copy at a model provider, under the provider's file id.</summary>
    Provider,
}

/// <summary>Where a deletion job is in its life; a PostgreSQL enum (<c>domain_ops.file_deletion_job_status</c>).</summary>
public enum FileDeletionJobStatus
{
    /// <summary>Waiting to be claimed, not before its next attempt's time.</summary>
    Pending,

    /// <summary>Claimed by a worker until its lease ends; claimed again by another once the lease has expired.</summary>
    Running,

    /// <summary>The copy is gone.</summary>
    Succeeded,

    /// <summary>Every attempt failed; the last error is kept. An operator retries it or removes the copy by hand.</summary>
    Failed,
}

/// <summary>
/// One entry of the deletion queue (seed 004's <c>file_deletion_jobs</c>): remove one copy of one file, from storage
/// or from a provider. Jobs are queued by the database when a file's deletion is requested (or its row is deleted,
/// for instance with its user), one per place the file lives in, and worked by the application's deletion workers as
/// the service role. Every attempt that failed is kept with its error. Read-only to .NET code: the queue's statements
/// change it.
/// </summary>
/// <remarks>
/// A job names its file and copy by id and carries what removing the copy needs (the storage path or the provider's
/// file id), so it still runs when the file's row is gone.
/// </remarks>
public sealed class FileDeletionJob
{
    private FileDeletionJob()
    {
        Target = string.Empty;
        AttemptErrors = "[]";
    }

    public Guid Id { get; private set; }

    public Guid FileId { get; private set; }

    /// <summary>The file's owner.</summary>
    public Guid UserId { get; private set; }

    public FileLocation Location { get; private set; }

    /// <summary>The provider, for a copy at a provider; null for storage.</summary>
    public string? Provider { get; private set; }

    /// <summary>The copy's row in <c>provider_file_uploads</c>, for a copy at a provider.</summary>
    public Guid? ProviderUploadId { get; private set; }

    /// <summary>What to remove: the storage path, or the provider's file id.</summary>
    public string Target { get; private set; }

    public FileDeletionJobStatus Status { get; private set; }

    /// <summary>Attempts started so far (a claim starts one).</summary>
    public int Attempts { get; private set; }

    /// <summary>When a pending job may next be claimed.</summary>
    public DateTimeOffset RunAfter { get; private set; }

    /// <summary>The worker holding a running job.</summary>
    public string? LockedBy { get; private set; }

    /// <summary>When a running job's lease ends; after that another worker may claim it.</summary>
    public DateTimeOffset? LockedUntil { get; private set; }

    /// <summary>The error of the latest failed attempt.</summary>
    public string? LastError { get; private set; }

    /// <summary>Every failed attempt, oldest first: a JSON array of <c>{attempt, at, worker, error}</c>.</summary>
    public string AttemptErrors { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>When the job succeeded or failed for good.</summary>
    public DateTimeOffset? CompletedAt { get; private set; }
}
