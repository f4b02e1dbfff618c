using Domain.Identity;

namespace Domain.Application.Identity;

/// <summary>A user's profile as callers see it.</summary>
public sealed record ProfileDto(
    Guid UserId,
    string? Email,
    string? DisplayName,
    string? AvatarUrl,
    string Preferences,
    UserRole Role,
    long? MonthlyTokenLimit,
    decimal? MonthlyCostLimitUsd,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>
/// Input to replace what a user edits on their profile: display name and avatar URL (null clears them) and preferences
/// (a JSON object; null for none).
/// </summary>
public sealed record UpdateProfileRequest(string? DisplayName, string? AvatarUrl, string? Preferences);

/// <summary>Input to make a user an admin or an ordinary user.</summary>
public sealed record SetRoleRequest(UserRole Role);

/// <summary>Input to set a user's monthly limits: tokens and cost in US dollars (null: no limit).</summary>
public sealed record SetMonthlyLimitsRequest(long? Tokens, decimal? CostUsd);

/// <summary>Where a page of profiles starts: after the profile created at this time with this user id.</summary>
public sealed record ProfileCursor(DateTimeOffset CreatedAt, Guid UserId);

/// <summary>Input to list profiles, newest first: admins and the backend page through every profile, a user sees their own.</summary>
public sealed record ListProfilesRequest(int PageSize = ListProfilesRequest.DefaultPageSize, ProfileCursor? After = null)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;

    /// <summary>The request for the page after <paramref name="last"/>, the last profile of the previous page.</summary>
    public static ListProfilesRequest NextPage(ProfileDto last, int pageSize = DefaultPageSize) => new(pageSize, new ProfileCursor(last.CreatedAt, last.UserId));
}

/// <summary>An API key as its owner sees it: never its secret or its hash.</summary>
public sealed record ApiKeyDto(
    Guid Id,
    Guid UserId,
    string Name,
    string Prefix,
    IReadOnlyList<string> Scopes,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt);

/// <summary>
/// Input to issue an API key: for the caller, or, for the backend (which owns nothing), for <paramref name="UserId"/>;
/// a user naming another user is refused by the database.
/// </summary>
public sealed record CreateApiKeyRequest(string Name, IReadOnlyList<string> Scopes, DateTimeOffset? ExpiresAt = null, Guid? UserId = null);

/// <summary>Input to list API keys, newest first: the caller's (or, for admins and the backend, <paramref name="UserId"/>'s, or everyone's).</summary>
public sealed record ListApiKeysRequest(Guid? UserId = null, bool IncludeRevoked = true, int PageSize = ListApiKeysRequest.DefaultPageSize)
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 500;
}

/// <summary>
/// A key just issued and its secret, which exists nowhere else: show it to its owner once. <see cref="ToString"/>
/// leaves the secret out, so that logging the value cannot leak it.
/// </summary>
public sealed record IssuedApiKey(ApiKeyDto Key, string Secret)
{
    /// <inheritdoc />
    public override string ToString() => $"IssuedApiKey {{ Key = {Key}, Secret = {Key.Prefix}… (shown once, not printed) }}";
}

/// <summary>Input to check a user's monthly limits before spending <paramref name="EstimatedTokens"/> and <paramref name="EstimatedCostUsd"/>.</summary>
public sealed record CheckUsageLimitsRequest(Guid UserId, long EstimatedTokens = 0, decimal EstimatedCostUsd = 0m);
