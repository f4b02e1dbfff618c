namespace Domain.Sessions;

/// <summary>Limits of the Session aggregate, shared by the EF configuration, the database checks and the validators.</summary>
public static class SessionLimits
{
    public const int TitleMaxLength = 200;
    public const int DescriptionMaxLength = 2_000;
    public const int ChangeSummaryMaxLength = 1_000;
    public const int IrMaxLength = 1_000_000;
    public const int MetadataMaxLength = 100_000;
    public const int CodeMaxLength = 1_000_000;
    public const int LanguageMaxLength = 50;
    public const int ValidationDetailsMaxLength = 100_000;
    public const int HoleIdMaxLength = 100;
    public const int ResolutionValueMaxLength = 100_000;
    public const double MinConfidence = 0.0;
    public const double MaxConfidence = 1.0;

    /// <summary>A typed hole id: a letter or '?', then letters, digits, '_', '-', '.' or ':'.</summary>
    public const string HoleIdPattern = "^[A-Za-z?][A-Za-z0-9_.:-]*$";

    /// <summary>A draft's language: lower-case letters, digits, '+', '#', '-' or '.'.</summary>
    public const string LanguagePattern = "^[a-z][a-z0-9+#.-]*$";
}
