using Domain.Files;

namespace Domain.Application.Files;

/// <summary>
/// Input to register a file whose bytes the application has put in storage (seed 001's <c>create_document</c>). With
/// <see cref="AllowCopy"/> false (the default), a file of the caller's with the same SHA-256 that is still in use is
/// returned instead (<see cref="RegisteredFileDto.AlreadyStored"/>) and nothing is stored twice; the application then
/// removes the object it uploaded, or better, asks <see cref="FileStore.FindByContentAsync"/> before uploading.
/// </summary>
public sealed record RegisterFileRequest(
    string StoragePath,
    string OriginalName,
    string MimeType,
    long SizeBytes,
    string Sha256,
    FileType? FileType = null,
    string? Metadata = null,
    bool AllowCopy = false);

/// <summary>Input to record a copy of a file that the application uploaded to a model provider (seed 004's <c>sync_moonshot_file</c>).</summary>
public sealed record RecordProviderUploadRequest(string Provider, string ProviderFileId, string? Purpose = null, DateTimeOffset? ExpiresAt = null);

/// <summary>Input to move a file to a status, as seed 001's <c>update_document_status</c> does: ready or deleting.</summary>
public sealed record ChangeFileStatusRequest(FileStatus Status);

/// <summary>Input to replace a file's metadata: a JSON object.</summary>
public sealed record ReplaceFileMetadataRequest(string Metadata);

/// <summary>Where a page of files starts: after the one with this creation time and id.</summary>
public sealed record FileCursor(DateTimeOffset CreatedAt, Guid Id);

/// <summary>
/// Input to list files newest first (seed 001's <c>get_user_documents</c>), optionally only in one status or of one
/// type. Without a status, every file but the deleted ones (unless <see cref="IncludeDeleted"/>).
/// </summary>
public sealed record ListFilesRequest(
    int PageSize = ListFilesRequest.DefaultPageSize,
    FileCursor? After = null,
    FileStatus? Status = null,
    FileType? FileType = null,
    bool IncludeDeleted = false)
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 200;

    /// <summary>The request for the page after <paramref name="last"/> with the same filters as <paramref name="previous"/>.</summary>
    public static ListFilesRequest NextPage(ListFilesRequest previous, FileDto last)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(last);
        return previous with { After = new FileCursor(last.CreatedAt, last.Id) };
    }
}

/// <summary>Input to look for orphans (seed 004's <c>identify_orphaned_files</c>): older than the grace period, at most <see cref="Limit"/> of each kind.</summary>
public sealed record FindOrphansRequest(TimeSpan? GracePeriod = null, int Limit = FindOrphansRequest.DefaultLimit)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 10_000;

    /// <summary>A file created or opened within this much of now is not an orphan yet.</summary>
    public static readonly TimeSpan DefaultGracePeriod = TimeSpan.FromDays(1);
}

public sealed record FileDto(
    Guid Id,
    Guid UserId,
    string StoragePath,
    string OriginalName,
    string MimeType,
    long SizeBytes,
    string Sha256,
    FileType FileType,
    FileStatus Status,
    bool IsCopy,
    string Metadata,
    long AccessCount,
    DateTimeOffset? LastAccessedAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ReadyAt,
    DateTimeOffset? DeletionRequestedAt,
    DateTimeOffset? DeletedAt);

/// <summary>A registered file, and whether it was already stored (a file of the caller's with the same content, returned instead).</summary>
public sealed record RegisteredFileDto(FileDto File, bool AlreadyStored);

public sealed record ProviderUploadDto(
    Guid Id,
    Guid FileId,
    string Provider,
    string ProviderFileId,
    string? Purpose,
    ProviderUploadStatus Status,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DeletedAt);

/// <summary>A file attached to a conversation.</summary>
public sealed record AttachedFileDto(Guid ConversationId, DateTimeOffset AttachedAt, FileDto File);

/// <summary>What <see cref="FileStore.FindOrphansAsync"/> found (see <c>Domain.Persistence.Files.FileOrphans</c>).</summary>
public sealed record FileOrphansDto(
    IReadOnlyList<FileDto> Unreferenced, IReadOnlyList<FileDto> StuckUploaded, IReadOnlyList<ProviderUploadDto> UploadsWithoutFile);
