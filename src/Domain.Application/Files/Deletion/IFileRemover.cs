using Domain.Files;

namespace Domain.Application.Files.Deletion;

/// <summary>A place a copy of a file lives in: storage, or one model provider (named in lower case).</summary>
public readonly record struct FilePlace
{
    private FilePlace(FileLocation location, string? provider)
    {
        Location = location;
        Provider = provider;
    }

    /// <summary>The file's bytes in storage.</summary>
    public static FilePlace Storage { get; } = new(FileLocation.Storage, null);

    public FileLocation Location { get; }

    /// <summary>The provider, for <see cref="FileLocation.Provider"/>; null for storage.</summary>
    public string? Provider { get; }

    /// <summary>Copies at <paramref name="provider"/> (for example <c>openai</c>); the name is compared in lower case.</summary>
    public static FilePlace AtProvider(string provider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(provider);
        return new(FileLocation.Provider, provider.Trim().ToLowerInvariant());
    }

    /// <summary>The place a deletion job removes a copy from.</summary>
    public static FilePlace Of(FileDeletionJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.Location == FileLocation.Storage ? Storage : AtProvider(job.Provider!);
    }

    /// <inheritdoc />
    public override string ToString() => Provider is null ? "storage" : $"provider {Provider}";
}

/// <summary>One copy to remove: what a deletion job asks of an <see cref="IFileRemover"/>.</summary>
/// <param name="JobId">The job, for logs and idempotency keys.</param>
/// <param name="FileId">The file the copy is of.</param>
/// <param name="UserId">The file's owner.</param>
/// <param name="Place">Where the copy is.</param>
/// <param name="Target">What to remove there: the storage path, or the provider's file id.</param>
/// <param name="Attempt">Which attempt this is, from 1.</param>
public sealed record FileRemoval(Guid JobId, Guid FileId, Guid UserId, FilePlace Place, string Target, int Attempt);

/// <summary>
/// Removes copies of files from one place, for the deletion workers: the application implements one per place its
/// files live in (its storage, each provider it uploads to) and registers it with
/// <c>services.AddFileRemover&lt;T&gt;()</c>. Workers claim only the jobs of places they have a remover for.
/// </summary>
public interface IFileRemover
{
    /// <summary>The place this remover removes copies from.</summary>
    FilePlace Place { get; }

    /// <summary>
    /// Removes the copy <paramref name="removal"/> names. It may run more than once for one copy (a worker that removed
    /// it but died before recording it, a retry after a timeout): a copy that is already gone is success, so return
    /// normally. Throw when the copy could not be removed; the message is recorded with the attempt and the job is
    /// retried with backoff. <paramref name="cancellationToken"/> fires at the options' remove timeout or when the host
    /// stops.
    /// </summary>
    Task RemoveAsync(FileRemoval removal, CancellationToken cancellationToken);
}
