using Domain.Identity;
using Microsoft.EntityFrameworkCore;

namespace Domain.Persistence.Identity;

/// <summary>A user's role and e-mail address as their profile holds them.</summary>
public sealed record ProfileRole(UserRole Role, string? Email);

/// <summary>The hot read of profiles: a user's role, for resolving who a caller is (one row by primary key).</summary>
public static class ProfileQueries
{
    private static readonly CompiledPerModel<Func<DomainDbContext, Guid, CancellationToken, Task<ProfileRole?>>> RoleById = new(() =>
        EF.CompileAsyncQuery((DomainDbContext db, Guid userId, CancellationToken ct) =>
            db.UserProfiles.AsNoTracking().Where(p => p.UserId == userId).Select(p => new ProfileRole(p.Role, p.Email)).SingleOrDefault()));

    /// <summary>
    /// A keyset page of the profiles the caller sees, newest first; <paramref name="after"/> is the (created_at, user_id)
    /// of the last profile of the previous page, or null for the first page.
    /// </summary>
    public static Task<List<UserProfile>> ProfilePageAsync(
        this DomainDbContext db, int size, (DateTimeOffset CreatedAt, Guid UserId)? after = null, CancellationToken cancellationToken = default)
    {
        var profiles = db.UserProfiles.AsNoTracking();
        if (after is { } cursor)
        {
            profiles = profiles.Where(p => EF.Functions.LessThan(ValueTuple.Create(p.CreatedAt, p.UserId), ValueTuple.Create(cursor.CreatedAt, cursor.UserId)));
        }

        return profiles.OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.UserId).Take(size).ToListAsync(cancellationToken);
    }

    /// <summary><paramref name="userId"/>'s role and e-mail address; null when the caller sees no such profile.</summary>
    public static Task<ProfileRole?> FindProfileRoleAsync(this DomainDbContext db, Guid userId, CancellationToken cancellationToken = default)
        => RoleById.For(db)(db, userId, cancellationToken);
}
