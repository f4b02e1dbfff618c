namespace Domain.Files;

/// <summary>What a new file is: where its bytes are stored and what they are.</summary>
/// <param name="storagePath">The object's path in storage (bucket and name), unique among files not yet deleted.</param>
/// <param name="originalName">The name the user gave the file.</param>
/// <param name="mimeType">The MIME type, <c>type/subtype</c>.</param>
/// <param name="sizeBytes">The size, at most <see cref="FileLimits.MaxSizeBytes"/>.</param>
/// <param name="sha256">The SHA-256 digest of the bytes, in hexadecimal.</param>
/// <param name="fileType">The kind of content; derived from the MIME type when null.</param>
/// <param name="metadataJson">Free-form JSON object for the application.</param>
public sealed class FileDetails(
    string storagePath,
    string originalName,
    string mimeType,
    long sizeBytes,
    string sha256,
    FileType? fileType = null,
    string? metadataJson = null)
{
    public string StoragePath { get; } = storagePath;

    public string OriginalName { get; } = originalName;

    public string MimeType { get; } = mimeType;

    public long SizeBytes { get; } = sizeBytes;

    public string Sha256 { get; } = sha256;

    public FileType? FileType { get; } = fileType;

    public string? MetadataJson { get; } = metadataJson;
}

/// <summary>A copy of a file that the application uploaded to a model provider.</summary>
/// <param name="provider">The provider (for example <c>openai</c>, <c>kimi</c>).</param>
/// <param name="providerFileId">The provider's id of the copy; unique per provider.</param>
/// <param name="purpose">What the copy is for at the provider (for example <c>assistants</c>), if it says.</param>
/// <param name="expiresAt">When the provider drops the copy by itself, if it does.</param>
public sealed class ProviderUploadDetails(string provider, string providerFileId, string? purpose = null, DateTimeOffset? expiresAt = null)
{
    public string Provider { get; } = provider;

    public string ProviderFileId { get; } = providerFileId;

    public string? Purpose { get; } = purpose;

    public DateTimeOffset? ExpiresAt { get; } = expiresAt;
}
