using System.Text.Json;
using Domain.Common;

namespace Domain.Files;

/// <summary>
/// A file a user uploaded (seed 001's <c>documents</c> and seed 004's <c>files</c>, one model): where its bytes are
/// stored, what they are (name, MIME type, size, SHA-256, type), its status and how often it was read, with the copies
/// the application made of it at model providers. The aggregate root: copies are recorded and the status moves only
/// through its methods, which hold the invariants (<see cref="FileStatusTransitions"/>). Removing the bytes is the
/// deletion queue's work: <see cref="RequestDeletion"/> marks the file deleting, and the database queues one job per
/// place it lives in.
/// </summary>
public sealed class StoredFile : IAggregateRoot
{
    private readonly List<ProviderUpload> _providerUploads = [];

    private StoredFile()
    {
        StoragePath = string.Empty;
        OriginalName = string.Empty;
        MimeType = string.Empty;
        Sha256 = string.Empty;
        Metadata = EmptyJsonObject;
    }

    private const string EmptyJsonObject = "{}";

    public Guid Id { get; private set; }

    /// <summary>The owner; every copy and attachment carries the same value.</summary>
    public Guid UserId { get; private set; }

    /// <summary>The object's path in storage; no two files that are not deleted share one.</summary>
    public string StoragePath { get; private set; }

    /// <summary>The name the user gave the file.</summary>
    public string OriginalName { get; private set; }

    /// <summary>The MIME type, lower case, without parameters.</summary>
    public string MimeType { get; private set; }

    public long SizeBytes { get; private set; }

    /// <summary>The SHA-256 digest of the bytes: 64 lower-case hexadecimal digits.</summary>
    public string Sha256 { get; private set; }

    public FileType FileType { get; private set; }

    public FileStatus Status { get; private set; }

    /// <summary>
    /// A copy the caller asked for although the user already had a file with the same content; a user holds at most one
    /// file with given content that is not a copy (among files not being deleted).
    /// </summary>
    public bool IsCopy { get; private set; }

    /// <summary>Free-form JSON object for the application.</summary>
    public string Metadata { get; private set; }

    /// <summary>How often the file was opened, as far as the access recorder has flushed; maintained by the database.</summary>
    public long AccessCount { get; private set; }

    /// <summary>The newest access flushed so far; maintained by the database.</summary>
    public DateTimeOffset? LastAccessedAt { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Last change of the row (accesses aside), maintained by the database.</summary>
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>When the file became ready, set by the database.</summary>
    public DateTimeOffset? ReadyAt { get; private set; }

    /// <summary>When its deletion was requested, set by the database.</summary>
    public DateTimeOffset? DeletionRequestedAt { get; private set; }

    /// <summary>When the last of its deletion jobs succeeded, set by the database.</summary>
    public DateTimeOffset? DeletedAt { get; private set; }

    /// <summary>Whether the file may still be used: attached, copied to a provider, made ready.</summary>
    public bool IsAvailable => Status is FileStatus.Uploaded or FileStatus.Ready;

    public IReadOnlyCollection<ProviderUpload> ProviderUploads => _providerUploads.AsReadOnly();

    /// <summary>Registers a file whose bytes are already in storage, for <paramref name="userId"/>, as uploaded.</summary>
    /// <param name="userId">The owner.</param>
    /// <param name="details">What the file is; every field is checked.</param>
    /// <param name="now">The registration time.</param>
    /// <param name="isCopy">True when the user asked to keep this file although they hold one with the same content.</param>
    /// <param name="id">The id, when the caller chose one; a new version 7 id otherwise.</param>
    public static StoredFile Register(Guid userId, FileDetails details, DateTimeOffset now, bool isCopy = false, Guid? id = null)
    {
        ArgumentNullException.ThrowIfNull(details);
        var mimeType = Checked(FileRules.MimeTypeProblem, "mime_type", Guard.Text(details.MimeType, "mime_type", FileLimits.MimeTypeMaxLength))
            .ToLowerInvariant();
        var fileType = details.FileType ?? FileTypes.FromMimeType(mimeType);
        if (!Enum.IsDefined(fileType))
        {
            throw new DomainException("file_type.invalid", $"file_type {(int)fileType} is not one of {string.Join(", ", Enum.GetNames<FileType>())}.");
        }

        return new StoredFile
        {
            Id = id ?? Guid.CreateVersion7(now),
            UserId = Guard.NotEmpty(userId, "user_id"),
            StoragePath = Checked(FileRules.StoragePathProblem, "storage_path", details.StoragePath ?? string.Empty),
            OriginalName = Guard.Text(details.OriginalName, "original_name", FileLimits.OriginalNameMaxLength),
            MimeType = mimeType,
            SizeBytes = FileRules.SizeProblem(details.SizeBytes) is { } size
                ? throw new DomainException("size_bytes.invalid", $"size_bytes {size}.")
                : details.SizeBytes,
            Sha256 = Checked(FileRules.Sha256Problem, "sha256", details.Sha256 ?? string.Empty).ToLowerInvariant(),
            FileType = fileType,
            Status = FileStatus.Uploaded,
            IsCopy = isCopy,
            Metadata = details.MetadataJson is null
                ? EmptyJsonObject
                : Guard.Json(details.MetadataJson, "metadata", FileLimits.MetadataMaxLength, JsonValueKind.Object),
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>The application has processed the file: <c>uploaded → ready</c>.</summary>
    public void MarkReady() => MoveTo(FileStatus.Ready);

    /// <summary>
    /// Asks for the file to be removed everywhere it lives: <c>uploaded</c> or <c>ready → deleting</c>, and each copy at
    /// a provider goes deleting with it. Saving the change makes the database queue one deletion job for the stored
    /// bytes and one per copy, in the same transaction. False, and nothing changes, when the file is already deleting
    /// or deleted (asking twice is safe).
    /// </summary>
    public bool RequestDeletion()
    {
        if (Status is FileStatus.Deleting or FileStatus.Deleted)
        {
            return false;
        }

        MoveTo(FileStatus.Deleting);
        foreach (var upload in _providerUploads)
        {
            upload.MarkDeleting();
        }

        return true;
    }

    /// <summary>
    /// Moves the file to <paramref name="status"/> as seed 001's <c>update_document_status</c> asks: <c>ready</c>
    /// (<see cref="MarkReady"/>) or <c>deleting</c> (<see cref="RequestDeletion"/>); the status it already has changes
    /// nothing. Any other move is refused with <see cref="DomainException"/> (<c>file.status_transition</c>): a file never
    /// goes back to uploaded, and only the deletion queue marks it deleted.
    /// </summary>
    public void ChangeStatus(FileStatus status)
    {
        if (status == Status && Enum.IsDefined(status))
        {
            return;
        }

        switch (status)
        {
            case FileStatus.Ready:
                MarkReady();
                break;
            case FileStatus.Deleting:
                RequestDeletion();
                break;
            case FileStatus.Deleted:
                throw new DomainException(
                    "file.status_transition",
                    $"File {Id} cannot be marked deleted by a caller: request its deletion, and the deletion queue marks it deleted "
                    + "once it is removed everywhere.");
            default:
                FileStatusTransitions.Ensure(Id, Status, status);
                break;
        }
    }

    /// <summary>
    /// Records a copy of the file that the application uploaded to a model provider (seed 004's
    /// <c>sync_moonshot_file</c>). The provider's name is kept in lower case. Recording the same copy again returns the
    /// one recorded. Refused once the file is deleting or deleted: its deletion jobs were queued without this copy.
    /// </summary>
    public ProviderUpload RecordProviderUpload(ProviderUploadDetails details, DateTimeOffset now, Guid? id = null)
    {
        ArgumentNullException.ThrowIfNull(details);
        EnsureAvailable("record a provider upload of");
        var provider = Guard.Text(details.Provider, "provider", FileLimits.ProviderMaxLength).ToLowerInvariant();
        var providerFileId = Guard.Text(details.ProviderFileId, "provider_file_id", FileLimits.ProviderFileIdMaxLength);
        var purpose = Guard.OptionalText(details.Purpose, "purpose", FileLimits.PurposeMaxLength);
        if (details.ExpiresAt is { } expires && expires <= now)
        {
            throw new DomainException("expires_at.past", $"expires_at must be later than now ({now:O}); got {expires:O}.");
        }

        var existing = _providerUploads.Find(u => u.Provider == provider && u.ProviderFileId == providerFileId);
        if (existing is not null)
        {
            return existing;
        }

        var upload = new ProviderUpload(id ?? Guid.CreateVersion7(now), this, provider, providerFileId, purpose, details.ExpiresAt, now);
        _providerUploads.Add(upload);
        return upload;
    }

    public void ReplaceMetadata(string metadataJson)
    {
        EnsureAvailable("change the metadata of");
        Metadata = Guard.Json(metadataJson, "metadata", FileLimits.MetadataMaxLength, JsonValueKind.Object);
    }

    internal void EnsureAvailable(string action)
    {
        if (!IsAvailable)
        {
            throw new DomainException(
                $"file.{Status.ToString().ToLowerInvariant()}",
                $"Cannot {action} file {Id}: it is {Status.ToString().ToLowerInvariant()}.");
        }
    }

    private void MoveTo(FileStatus status)
    {
        FileStatusTransitions.Ensure(Id, Status, status);
        Status = status;
    }

    private static string Checked(Func<string, string?> rule, string name, string value)
        => rule(value) is { } problem ? throw new DomainException($"{name}.invalid", $"{name} {problem}.") : value;
}
