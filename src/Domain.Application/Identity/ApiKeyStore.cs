using Domain.Application.Common;
using Domain.Identity;
using Domain.Persistence;
using Domain.Persistence.Identity;
using FluentValidation;
using Mapster;
using Microsoft.EntityFrameworkCore;

namespace Domain.Application.Identity;

/// <summary>
/// API keys: issued with their secret shown once (only its SHA-256 hash and a display prefix are stored), listed,
/// revoked for good, and verified. Issuing, listing and revoking act for a caller under row-level security (a user
/// manages their own keys, the backend anyone's); verification needs no caller.
/// </summary>
public sealed class ApiKeyStore(RequestPipeline pipeline, DomainDbContextFactory contexts, TimeProvider clock, TypeAdapterConfig mapping)
{
    /// <summary>
    /// Issues a key for the caller, or for <see cref="CreateApiKeyRequest.UserId"/> (the backend, or a user naming
    /// themselves; the database refuses a user naming someone else). The returned secret is the only copy: show it
    /// once; it cannot be recovered, only replaced by a new key.
    /// </summary>
    /// <exception cref="ValidationException">The request is invalid, or the caller owns nothing and names no user; nothing was sent.</exception>
    public Task<IssuedApiKey> CreateAsync(Caller caller, CreateApiKeyRequest request, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, request, async (context, r, ct) =>
        {
            var owner = r.UserId ?? caller.UserId
                ?? throw new ValidationException($"The caller ({caller}) owns nothing: name the user the key is for (UserId).");
            var (key, secret) = ApiKey.Issue(owner, r.Name, r.Scopes, r.ExpiresAt, clock.GetUtcNow());
            context.ApiKeys.Add(key);
            await context.SaveChangesAsync(ct);
            return new IssuedApiKey(key.Adapt<ApiKeyDto>(mapping), secret);
        }, cancellationToken);

    /// <summary>Keys newest first: the caller's own, or (admins and the backend) those of <see cref="ListApiKeysRequest.UserId"/> or of everyone.</summary>
    public Task<IReadOnlyList<ApiKeyDto>> ListAsync(Caller caller, ListApiKeysRequest request, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, request, async (context, r, ct) =>
        {
            var keys = context.ApiKeys.AsNoTracking();
            if (r.UserId is { } userId)
            {
                keys = keys.Where(k => k.UserId == userId);
            }

            if (!r.IncludeRevoked)
            {
                keys = keys.Where(k => k.RevokedAt == null);
            }

            var page = await keys.OrderByDescending(k => k.CreatedAt).ThenByDescending(k => k.Id).Take(r.PageSize).ToListAsync(ct);
            return (IReadOnlyList<ApiKeyDto>)page.Adapt<List<ApiKeyDto>>(mapping);
        }, cancellationToken);

    /// <summary>
    /// Revokes the key for good (a revoked key stays revoked; revoking it again changes nothing). The owner and the
    /// backend may; an admin sees others' keys but revokes only their own.
    /// </summary>
    /// <exception cref="NotFoundException">There is no such key, or the caller may not see it.</exception>
    /// <exception cref="Persistence.Errors.RlsViolationException">The caller sees the key but may not change it (an admin, another user's key).</exception>
    public Task<ApiKeyDto> RevokeAsync(Caller caller, Guid keyId, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, async (context, ct) =>
        {
            var key = await context.ApiKeys.SingleOrDefaultAsync(k => k.Id == keyId, ct) ?? throw new NotFoundException(nameof(ApiKey), keyId);
            if (key.RevokedAt is not null)
            {
                return key.Adapt<ApiKeyDto>(mapping);
            }

            if (caller.UserId is { } userId && key.UserId != userId)
            {
                // Admins read every key but change only their own: the update policy would match no row.
                throw new Persistence.Errors.RlsViolationException(
                    $"API key {keyId} belongs to another user; only its owner or the backend may revoke it. Nothing was changed.");
            }

            key.Revoke(clock.GetUtcNow());
            await context.SaveChangesAsync(ct);
            return key.Adapt<ApiKeyDto>(mapping);
        }, cancellationToken);

    /// <summary>
    /// Verifies a presented key: its SHA-256 found with one lookup in the unique index on <c>api_keys.key_hash</c> (as the
    /// service role: whoever presents a key has no identity yet), compared in constant time, then checked for
    /// revocation, expiry and <paramref name="requiredScopes"/>. A valid key returns its owner as the caller, an admin
    /// or not as the owner's profile says, with the key's scopes (<see cref="Caller.Scopes"/>), so the request runs under
    /// row-level security as that user. The key's <c>last_used_at</c> is written in the same statement, at most once a
    /// minute per key.
    /// </summary>
    /// <param name="presentedKey">The secret as the client sent it (for example the <c>X-Api-Key</c> header).</param>
    /// <param name="requiredScopes">Scopes the key must all carry; none checked when null or empty.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    public async Task<ApiKeyVerification> VerifyAsync(
        string? presentedKey, IReadOnlyCollection<string>? requiredScopes = null, CancellationToken cancellationToken = default)
    {
        if (!ApiKeySecret.HasKeyForm(presentedKey))
        {
            return ApiKeyVerification.Refused(ApiKeyRefusal.Malformed);
        }

        var hash = ApiKeySecret.Hash(presentedKey!);
        var now = clock.GetUtcNow();
        PresentedApiKey? found;
        await using (var service = contexts.AsServiceRole())
        {
            found = await service.FindPresentedApiKeyAsync(hash, now, cancellationToken);
        }

        // The index compared the hashes already; comparing again in constant time costs nothing and does not depend on
        // the database's comparison to be safe.
        if (found is null || !ApiKeySecret.HashesMatch(found.KeyHash, hash))
        {
            return ApiKeyVerification.Refused(ApiKeyRefusal.Unknown);
        }

        if (found.RevokedAt is not null)
        {
            return ApiKeyVerification.Refused(ApiKeyRefusal.Revoked, found.Id);
        }

        if (found.ExpiresAt is { } expiry && expiry <= now)
        {
            return ApiKeyVerification.Refused(ApiKeyRefusal.Expired, found.Id);
        }

        var missing = (requiredScopes ?? []).Where(scope => !found.Scopes.Contains(scope, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0)
        {
            return ApiKeyVerification.Refused(ApiKeyRefusal.MissingScope, found.Id, missing);
        }

        return ApiKeyVerification.Accepted(Caller.ForApiKey(found.UserId, found.Email, found.OwnerIsAdmin, found.Id, found.Scopes), found.Id);
    }
}
