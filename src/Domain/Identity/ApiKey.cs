using System.Text.RegularExpressions;
using Domain.Common;

namespace Domain.Identity;

/// <summary>
/// An API key (seeds 000, 003): lets a program act as its owner without a session, limited to its scopes, until it
/// expires or is revoked. The secret is shown once, when the key is issued; the key keeps only its hash and a display
/// prefix (see <see cref="ApiKeySecret"/>). A request presenting the key acts as the owner under row-level security.
/// </summary>
public sealed partial class ApiKey : IAggregateRoot
{
    private IReadOnlyList<string> _scopes = [];

    private ApiKey()
    {
        Name = string.Empty;
        Prefix = string.Empty;
        KeyHash = [];
    }

    public Guid Id { get; private set; }

    /// <summary>The owner, whose claims a request presenting the key carries.</summary>
    public Guid UserId { get; private set; }

    public string Name { get; private set; }

    /// <summary>The first characters of the secret, to tell keys apart; never enough to use it.</summary>
    public string Prefix { get; private set; }

    /// <summary>SHA-256 of the secret.</summary>
    public byte[] KeyHash { get; private set; }

    /// <summary>What the key may be used for, sorted and distinct (for example <c>sessions:read</c>).</summary>
    public IReadOnlyList<string> Scopes => _scopes;

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>When the key stops working; null for never.</summary>
    public DateTimeOffset? ExpiresAt { get; private set; }

    /// <summary>When the key was revoked; a revoked key never works again.</summary>
    public DateTimeOffset? RevokedAt { get; private set; }

    /// <summary>When the key was last presented, to the minute (written at most once a minute by verification).</summary>
    public DateTimeOffset? LastUsedAt { get; private set; }

    /// <summary>
    /// Issues a key for <paramref name="userId"/>: the key to store and its secret, which exists only in the returned
    /// value. Show it to the owner once; it cannot be recovered.
    /// </summary>
    /// <exception cref="DomainException">The name, a scope or the expiry breaks the model's rules.</exception>
    public static (ApiKey Key, string Secret) Issue(Guid userId, string name, IEnumerable<string> scopes, DateTimeOffset? expiresAt, DateTimeOffset now)
    {
        var validScopes = ValidScopes(scopes);
        if (expiresAt is { } expiry && expiry <= now)
        {
            throw new DomainException("expires_at.past", $"expires_at must be after the key is issued ({now:O}); got {expiry:O}.");
        }

        var secret = ApiKeySecret.Generate();
        var key = new ApiKey
        {
            Id = Guid.CreateVersion7(now),
            UserId = Guard.NotEmpty(userId, "user_id"),
            Name = Guard.Text(name, "name", IdentityLimits.ApiKeyNameMaxLength),
            Prefix = ApiKeySecret.DisplayPrefix(secret),
            KeyHash = ApiKeySecret.Hash(secret),
            _scopes = validScopes,
            CreatedAt = now,
            ExpiresAt = expiresAt,
        };
        return (key, secret);
    }

    /// <summary>Whether a request presenting the key at <paramref name="now"/> is let in (not revoked, not expired).</summary>
    public bool IsActiveAt(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);

    /// <summary>Whether the key carries <paramref name="scope"/>.</summary>
    public bool HasScope(string scope) => _scopes.Contains(scope, StringComparer.Ordinal);

    /// <summary>Revokes the key for good. Revoking a revoked key changes nothing.</summary>
    public void Revoke(DateTimeOffset now)
    {
        RevokedAt ??= now;
    }

    /// <summary>
    /// The scopes as a key keeps them: at least one, at most <see cref="IdentityLimits.MaxScopesPerKey"/>, each matching
    /// <see cref="IdentityLimits.ScopePattern"/> and at most <see cref="IdentityLimits.ScopeMaxLength"/> characters;
    /// sorted and without duplicates.
    /// </summary>
    /// <exception cref="DomainException">A scope breaks the rules, or there is none or too many.</exception>
    public static string[] ValidScopes(IEnumerable<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        var distinct = scopes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (distinct.Length is 0 or > IdentityLimits.MaxScopesPerKey)
        {
            throw new DomainException(
                "scopes.count", $"A key has between 1 and {IdentityLimits.MaxScopesPerKey} scopes (got {distinct.Length}).");
        }

        foreach (var scope in distinct)
        {
            if (scope is null || scope.Length > IdentityLimits.ScopeMaxLength || !Scope().IsMatch(scope))
            {
                throw new DomainException(
                    "scopes.invalid",
                    $"A scope is at most {IdentityLimits.ScopeMaxLength} lower-case words joined by ':' or '.' (for example sessions:read); got '{scope}'.");
            }
        }

        return distinct;
    }

    [GeneratedRegex(IdentityLimits.ScopePattern, RegexOptions.CultureInvariant)]
    private static partial Regex Scope();
}
