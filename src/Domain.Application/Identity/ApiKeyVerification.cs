using Domain.Application.Common;

namespace Domain.Application.Identity;

/// <summary>Why a presented API key was not accepted.</summary>
public enum ApiKeyRefusal
{
    /// <summary>The value does not have the form of a key (nothing was looked up).</summary>
    Malformed,

    /// <summary>No key has this secret.</summary>
    Unknown,

    /// <summary>The key was revoked.</summary>
    Revoked,

    /// <summary>The key expired.</summary>
    Expired,

    /// <summary>The key is valid but lacks a scope the operation requires (for the web: 403, not 401).</summary>
    MissingScope,
}

/// <summary>
/// The outcome of <see cref="ApiKeyStore.VerifyAsync"/>: the caller a valid key acts for (its owner, with the owner's
/// role and the key's scopes), or why the key was refused. Tell the presenter only that the key was refused; the
/// reason is for logs.
/// </summary>
public sealed record ApiKeyVerification
{
    private ApiKeyVerification(Caller? caller, Guid? keyId, ApiKeyRefusal? refusal, IReadOnlyList<string> missingScopes)
    {
        Caller = caller;
        KeyId = keyId;
        Refusal = refusal;
        MissingScopes = missingScopes;
    }

    /// <summary>Who the request acts for; null when the key was refused.</summary>
    public Caller? Caller { get; }

    /// <summary>The key that was found; null when none was (malformed or unknown).</summary>
    public Guid? KeyId { get; }

    /// <summary>Why the key was refused; null when it was accepted.</summary>
    public ApiKeyRefusal? Refusal { get; }

    /// <summary>The required scopes the key lacks (<see cref="ApiKeyRefusal.MissingScope"/>); empty otherwise.</summary>
    public IReadOnlyList<string> MissingScopes { get; }

    /// <summary>Whether the key was accepted.</summary>
    public bool Succeeded => Caller is not null;

    internal static ApiKeyVerification Accepted(Caller caller, Guid keyId) => new(caller, keyId, null, []);

    internal static ApiKeyVerification Refused(ApiKeyRefusal refusal, Guid? keyId = null, IReadOnlyList<string>? missingScopes = null)
        => new(null, keyId, refusal, missingScopes ?? []);
}
