namespace Domain.Files;

/// <summary>Limits of the StoredFile aggregate, shared by the EF configuration, the database checks and the validators.</summary>
public static class FileLimits
{
    /// <summary>The largest file accepted: 50 MiB, the limit of seed 004's <c>user-files</c> storage bucket.</summary>
    public const long MaxSizeBytes = 50L * 1024 * 1024;

    public const int StoragePathMaxLength = 1_024;
    public const int OriginalNameMaxLength = 255;
    public const int MimeTypeMaxLength = 255;
    public const int MetadataMaxLength = 100_000;

    /// <summary>A SHA-256 digest as 64 lower-case hexadecimal digits (upper case is accepted and lowered).</summary>
    public const int Sha256Length = 64;

    public const string Sha256Pattern = "^[0-9a-f]{64}$";

    /// <summary>
    /// <c>type/subtype</c> as RFC 6838 restricts the names (letters, digits and <c>!#$&amp;-^_.+</c>), without parameters,
    /// lower case (upper case is accepted and lowered).
    /// </summary>
    public const string MimeTypePattern = "^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$";

    public const int ProviderMaxLength = 100;
    public const int ProviderFileIdMaxLength = 200;
    public const int PurposeMaxLength = 100;

    /// <summary>The longest error a deletion job keeps per attempt; longer messages are cut.</summary>
    public const int DeletionErrorMaxLength = 2_000;
}
