namespace Domain.Persistence.Files;

/// <summary>
/// Unique indexes of the StoredFile aggregate whose violation means something other than bad input, so callers
/// recognise them in the <c>ConstraintName</c> of a <see cref="Errors.UniqueViolationException"/>.
/// </summary>
public static class FileIndexes
{
    /// <summary>A storage path belongs to one file until that file is deleted (a queued job may still remove it).</summary>
    public const string StoragePath = "ix_files_storage_path";

    /// <summary>
    /// One file a user holds with given content that is not a copy, among files not deleting or deleted: a violation
    /// means a concurrent registration of the same content won.
    /// </summary>
    public const string OriginalContent = "ix_files_user_id_sha256_original";

    /// <summary>A provider's file id names one copy: a violation means the copy is already recorded.</summary>
    public const string ProviderFileId = "ix_provider_file_uploads_provider_provider_file_id";

    /// <summary>A file is attached to a conversation once.</summary>
    public const string Attachment = "pk_conversation_files";
}
