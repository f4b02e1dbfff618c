namespace Domain.Prompts;

/// <summary>Limits of the SystemPrompt aggregate and its performance records, shared by the EF configuration, the database checks and the validators.</summary>
public static class PromptLimits
{
    public const int ToolNameMaxLength = 100;
    public const int ProviderMaxLength = 100;
    public const int DescriptionMaxLength = 2_000;
    public const int ContentMaxLength = 200_000;
    public const int NotesMaxLength = 2_000;

    /// <summary>Seed 004's tiers: 0 (base) to 3.</summary>
    public const int MinTier = 0;

    /// <summary>The highest tier seed 004 allows.</summary>
    public const int MaxTier = 3;

    /// <summary>A content hash is the SHA-256 of the content's UTF-8 bytes, in lower-case hexadecimal.</summary>
    public const int ContentHashLength = 64;

    /// <summary>The longest error text a performance record keeps.</summary>
    public const int ErrorMessageMaxLength = 2_000;

    public const double MinQualityScore = 0.0;
    public const double MaxQualityScore = 1.0;
}
