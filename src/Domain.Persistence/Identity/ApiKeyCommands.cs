using Domain.Persistence.Errors;
using Domain.Persistence.Rls;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Domain.Persistence.Identity;

/// <summary>
/// What the database knows about a presented key: the key's row found by its hash, with its owner's role and e-mail
/// address from the profile. The hash is returned for the caller to compare in constant time. (Raw SQL results are
/// read by column name, which the model's snake_case naming applies to: <c>user_id</c> for <see cref="UserId"/>.)
/// </summary>
public sealed class PresentedApiKey
{
    public Guid Id { get; init; }

    public Guid UserId { get; init; }

    public byte[] KeyHash { get; init; } = [];

    public string[] Scopes { get; init; } = [];

    public DateTimeOffset? ExpiresAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>The owner's profile role (<c>user</c>, <c>admin</c>); null without a profile.</summary>
    public string? Role { get; init; }

    public string? Email { get; init; }

    /// <summary>The owner is an admin by their profile.</summary>
    public bool OwnerIsAdmin => Role == "admin";
}

/// <summary>The API key statement that needs no aggregate in memory: finding a presented key, one statement and one round trip.</summary>
public static class ApiKeyCommands
{
    /// <summary>How often, at most, a key's <c>last_used_at</c> is written.</summary>
    public static readonly TimeSpan LastUseResolution = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The key by its hash (the unique index on <c>key_hash</c>), its owner's profile (by primary key), and, in the same
    /// statement, <c>last_used_at</c> moved to now when the key is usable and its last use is at least a minute old. The
    /// condition is part of the UPDATE, so the row is locked and written only then: within a minute of the last write a
    /// verification reads and never writes, whatever the request rate.
    /// </summary>
    internal const string FindSql = """
        WITH k AS (
            SELECT id, user_id, key_hash, scopes, expires_at, revoked_at
              FROM public.api_keys
             WHERE key_hash = @hash),
        touched AS (
            UPDATE public.api_keys a
               SET last_used_at = @now
              FROM k
             WHERE a.id = k.id
               AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > @now)
               AND (a.last_used_at IS NULL OR a.last_used_at <= @now - @resolution)
            RETURNING a.id)
        SELECT k.id, k.user_id, k.key_hash, k.scopes, k.expires_at, k.revoked_at, p.role::text AS role, p.email
          FROM k LEFT JOIN public.user_profiles p ON p.user_id = k.user_id
        """;

    /// <summary>
    /// The key whose hash is <paramref name="keyHash"/>, or null when there is none. Run it on a context acting as the
    /// service role: whoever presents a key has no identity yet, so no user's policies could find it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The context does not act as the service role.</exception>
    public static async Task<PresentedApiKey?> FindPresentedApiKeyAsync(
        this DomainDbContext db, byte[] keyHash, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyHash);
        if (db.Claims.Role != RlsClaims.ServiceRole)
        {
            throw new InvalidOperationException(
                $"A presented API key is looked up as the service role (the presenter has no identity yet); this context acts as {db.Claims}.");
        }

        try
        {
            var rows = await db.Database.SqlQueryRaw<PresentedApiKey>(
                    FindSql,
                    new NpgsqlParameter("hash", NpgsqlDbType.Bytea) { Value = keyHash },
                    new NpgsqlParameter("now", NpgsqlDbType.TimestampTz) { Value = now.ToUniversalTime() },
                    new NpgsqlParameter("resolution", NpgsqlDbType.Interval) { Value = LastUseResolution })
                .ToListAsync(cancellationToken);
            return rows.Count == 0 ? null : rows[0];
        }
        catch (PostgresException ex) when (DatabaseErrorTranslator.Translate(ex) is { } translated)
        {
            throw translated;
        }
    }
}
