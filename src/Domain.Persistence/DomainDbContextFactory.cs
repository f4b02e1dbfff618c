using Domain.Persistence.Rls;
using Microsoft.EntityFrameworkCore;

namespace Domain.Persistence;

/// <summary>
/// Creates contexts that act for one caller. Application code asks for a user, the service role or anon; EF's
/// <see cref="IDbContextFactory{TContext}.CreateDbContext"/>, which carries no identity, acts as anon, which reaches
/// no row (fail closed).
/// </summary>
/// <remarks>
/// Contexts are pooled per caller (<see cref="CallerContextPools"/>): a context one caller disposed is handed only to
/// the same caller again, never to another one, so a reference kept past <c>Dispose</c> can never act for someone
/// else (and throws <see cref="ObjectDisposedException"/> while the context is idle). Do not use a context after
/// disposing it.
/// </remarks>
public sealed class DomainDbContextFactory : IDbContextFactory<DomainDbContext>
{
    private readonly CallerContextPools _pools;

    public DomainDbContextFactory(DbContextOptions<DomainDbContext> options)
        : this(new CallerContextPools(options ?? throw new ArgumentNullException(nameof(options))))
    {
    }

    internal DomainDbContextFactory(CallerContextPools pools)
    {
        _pools = pools;
    }

    /// <summary>For code that only knows EF's factory interface: a context acting as anon (no identity, no rows).</summary>
    DomainDbContext IDbContextFactory<DomainDbContext>.CreateDbContext() => AsAnon();

    /// <summary>A context acting for <paramref name="claims"/>.</summary>
    public DomainDbContext For(RlsClaims claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        return _pools.Lease(claims);
    }

    /// <summary>A context acting for a signed-in user.</summary>
    public DomainDbContext ForUser(Guid userId, string? email = null, IReadOnlyDictionary<string, object?>? appMetadata = null)
        => For(RlsClaims.ForUser(userId, email, appMetadata));

    /// <summary>A context acting as the service role, which bypasses RLS. For trusted backend work only.</summary>
    public DomainDbContext AsServiceRole() => For(RlsClaims.Service);

    /// <summary>A context acting as anon: no identity, no rows.</summary>
    public DomainDbContext AsAnon() => For(RlsClaims.Anonymous);
}
