namespace Domain.Identity;

/// <summary>Limits of profiles and API keys, shared by the model, the EF configuration, the database checks and the validators.</summary>
public static class IdentityLimits
{
    public const int DisplayNameMaxLength = 100;
    public const int AvatarUrlMaxLength = 2_048;
    public const int PreferencesMaxLength = 16_384;
    public const int EmailMaxLength = 320;

    public const int ApiKeyNameMaxLength = 100;
    public const int MaxScopesPerKey = 32;
    public const int ScopeMaxLength = 64;

    /// <summary>
    /// A scope: lower-case words of letters, digits and '_', joined by ':' or '.', for example <c>sessions:read</c>.
    /// The database checks the same pattern.
    /// </summary>
    public const string ScopePattern = "^[a-z][a-z0-9_]*([:.][a-z][a-z0-9_]*)*$";
}
