using Domain.Application.Common;
using Domain.Identity;
using Domain.Persistence;
using Domain.Persistence.Identity;

namespace Domain.Application.Identity;

/// <summary>
/// Callers whose role comes from the one source, the user's profile: what makes an admin in .NET is exactly what makes
/// one in the database's tokens (Supabase's custom access token hook reads the same column). Use it where claims may
/// be older or poorer than the profile: a token issued before the user's role changed, a Supabase project without the
/// hook, a user id from elsewhere. Each resolution reads one profile by its primary key, as the service role.
/// </summary>
public sealed class ProfileCallers(DomainDbContextFactory contexts)
{
    /// <summary>
    /// The signed-in user <paramref name="userId"/>: an admin when their profile says so, an ordinary user otherwise
    /// (also when they have no profile: a missing profile never makes an admin).
    /// </summary>
    public async Task<Caller> ForUserAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        var profile = await ReadAsync(userId, cancellationToken);
        var email = profile?.Email;
        return profile?.Role == UserRole.Admin ? Caller.Admin(userId, email) : Caller.User(userId, email);
    }

    /// <summary>
    /// <paramref name="caller"/> with the role their profile holds now: promoted to admin, or demoted from it, every
    /// other claim kept. Anonymous callers and the service role come back unchanged, without a read.
    /// </summary>
    public async Task<Caller> ResolveAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.UserId is not { } userId)
        {
            return caller;
        }

        var profile = await ReadAsync(userId, cancellationToken);
        return caller.WithProfileRole(profile?.Role == UserRole.Admin);
    }

    /// <summary>The caller a verified token describes (<see cref="Caller.FromVerifiedClaims"/>), with the role the user's profile holds now.</summary>
    /// <exception cref="ArgumentException">The claims cannot be trusted or sent as they are.</exception>
    public Task<Caller> FromVerifiedClaimsAsync(string payloadJson, CancellationToken cancellationToken = default)
        => ResolveAsync(Caller.FromVerifiedClaims(payloadJson), cancellationToken);

    private async Task<ProfileRole?> ReadAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var service = contexts.AsServiceRole();
        return await service.FindProfileRoleAsync(userId, cancellationToken);
    }
}
