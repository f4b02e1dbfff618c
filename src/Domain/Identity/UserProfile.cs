using System.Text.Json;
using Domain.Common;

namespace Domain.Identity;

/// <summary>
/// A user's profile (seeds 000, 001, 003): one per <c>auth.users</c> row, created by the database when the auth user is
/// created and removed with it. The user edits their display name, avatar and preferences; their role and monthly
/// usage limits are the backend's to set, never their own (the database grants users no other column).
/// </summary>
public sealed class UserProfile : IAggregateRoot
{
    private const string EmptyJsonObject = "{}";

    private UserProfile()
    {
        Preferences = EmptyJsonObject;
    }

    /// <summary>The <c>auth.users</c> id: the profile's key and its owner.</summary>
    public Guid UserId { get; private set; }

    Guid IAggregateRoot.Id => UserId;

    /// <summary>The auth user's e-mail address, copied by the database when the auth user is created or changes it.</summary>
    public string? Email { get; private set; }

    public string? DisplayName { get; private set; }

    /// <summary>An absolute http or https URL.</summary>
    public string? AvatarUrl { get; private set; }

    /// <summary>The application's settings for the user: a JSON object.</summary>
    public string Preferences { get; private set; }

    /// <summary>Whether the user is an admin; the one source the claims follow.</summary>
    public UserRole Role { get; private set; }

    /// <summary>The most tokens the user may spend in a calendar month; null for no limit.</summary>
    public long? MonthlyTokenLimit { get; private set; }

    /// <summary>The most the user may spend in a calendar month, in US dollars; null for no limit.</summary>
    public decimal? MonthlyCostLimitUsd { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Last change of the row, maintained by the database.</summary>
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>The monthly limits as one value.</summary>
    public MonthlyUsageLimits MonthlyLimits => MonthlyUsageLimits.Of(MonthlyTokenLimit, MonthlyCostLimitUsd);

    /// <summary>
    /// A profile as the database creates it for a new auth user: role <see cref="UserRole.User"/>, no limits, empty
    /// preferences. The database does this by itself for every auth user; this is for the backend and for tests.
    /// </summary>
    public static UserProfile Create(Guid userId, string? email, DateTimeOffset now)
    {
        return new UserProfile
        {
            UserId = Guard.NotEmpty(userId, "user_id"),
            Email = Guard.OptionalText(email, "email", IdentityLimits.EmailMaxLength),
            Role = UserRole.User,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>Replaces what the user edits: display name and avatar (null clears them) and preferences (null: none).</summary>
    /// <exception cref="DomainException">A value breaks the model's rules; the profile is unchanged.</exception>
    public void UpdateDetails(string? displayName, string? avatarUrl, string? preferencesJson)
    {
        var name = Guard.OptionalText(displayName, "display_name", IdentityLimits.DisplayNameMaxLength);
        var avatar = ValidAvatarUrl(avatarUrl);
        var preferences = preferencesJson is null
            ? EmptyJsonObject
            : Guard.Json(preferencesJson, "preferences", IdentityLimits.PreferencesMaxLength, JsonValueKind.Object);
        DisplayName = name;
        AvatarUrl = avatar;
        Preferences = preferences;
    }

    /// <summary>Makes the user an admin or an ordinary user. Only the backend may (users have no grant on the column).</summary>
    public void ChangeRole(UserRole role)
    {
        if (!Enum.IsDefined(role))
        {
            throw new DomainException("role.invalid", $"role must be one of {string.Join(", ", Enum.GetNames<UserRole>())} (got {(int)role}).");
        }

        Role = role;
    }

    /// <summary>Sets the monthly limits. Only the backend may (users have no grant on the columns).</summary>
    public void SetMonthlyLimits(MonthlyUsageLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        MonthlyTokenLimit = limits.Tokens;
        MonthlyCostLimitUsd = limits.CostUsd;
    }

    /// <summary>Null, or an absolute http(s) URL of at most <see cref="IdentityLimits.AvatarUrlMaxLength"/> characters.</summary>
    /// <exception cref="DomainException">The value is not such a URL.</exception>
    public static string? ValidAvatarUrl(string? avatarUrl)
    {
        var url = Guard.OptionalText(avatarUrl, "avatar_url", IdentityLimits.AvatarUrlMaxLength);
        if (url is not null && !IsHttpUrl(url))
        {
            throw new DomainException("avatar_url.invalid", "avatar_url must be an absolute http or https URL.");
        }

        return url;
    }

    /// <summary>Whether <paramref name="url"/> is an absolute http or https URL without white space (the database checks the same).</summary>
    public static bool IsHttpUrl(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return !url.Any(char.IsWhiteSpace)
            && Uri.TryCreate(url, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            && url.StartsWith(uri.Scheme + "://", StringComparison.OrdinalIgnoreCase);
    }
}
