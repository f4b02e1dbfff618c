namespace Domain.Files;

/// <summary>
/// A copy of a stored file at a model provider (seed 004's <c>provider_file_uploads</c>): which provider, its id of
/// the copy (unique per provider), what it is for there and when the provider drops it. Created by
/// <see cref="StoredFile.RecordProviderUpload"/>; its status follows its file's deletion.
/// </summary>
public sealed class ProviderUpload
{
    private ProviderUpload()
    {
        Provider = string.Empty;
        ProviderFileId = string.Empty;
    }

    /// <summary>A copy whose details were already checked.</summary>
    internal ProviderUpload(Guid id, StoredFile file, string provider, string providerFileId, string? purpose, DateTimeOffset? expiresAt, DateTimeOffset now)
    {
        Id = id;
        FileId = file.Id;
        UserId = file.UserId;
        Provider = provider;
        ProviderFileId = providerFileId;
        Purpose = purpose;
        ExpiresAt = expiresAt;
        Status = ProviderUploadStatus.Active;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }

    public Guid FileId { get; private set; }

    /// <summary>The owner: the file's.</summary>
    public Guid UserId { get; private set; }

    public string Provider { get; private set; }

    /// <summary>The provider's id of the copy, unique per provider.</summary>
    public string ProviderFileId { get; private set; }

    public string? Purpose { get; private set; }

    public ProviderUploadStatus Status { get; private set; }

    /// <summary>When the provider drops the copy by itself; null when it keeps it until deleted.</summary>
    public DateTimeOffset? ExpiresAt { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>When its deletion job removed it at the provider, set by the database.</summary>
    public DateTimeOffset? DeletedAt { get; private set; }

    /// <summary>Whether the provider has dropped the copy by itself by <paramref name="now"/>.</summary>
    public bool IsExpired(DateTimeOffset now) => ExpiresAt <= now;

    internal void MarkDeleting()
    {
        if (Status == ProviderUploadStatus.Active)
        {
            Status = ProviderUploadStatus.Deleting;
        }
    }
}
