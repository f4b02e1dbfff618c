using Domain.Persistence.Rls;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Domain.Persistence;

/// <summary>
/// Creates contexts that act for one caller. Application code asks for a user, the service role or anon;
/// <see cref="CreateDbContext"/> without an identity acts as anon, which reaches no row (fail closed).
/// </summary>
/// <remarks>
/// Contexts come from EF's context pool: creating one from scratch costs more than a primary-key read on this
/// machine (see docs/benchmarks.md). A leased context starts as anon and acts for the caller it is handed to; when
/// disposed it forgets that caller and goes back to the pool. Do not use a context after disposing it.
/// </remarks>
public sealed class DomainDbContextFactory : IDbContextFactory<DomainDbContext>
{
    private readonly PooledDbContextFactory<DomainDbContext> _pool;

    public DomainDbContextFactory(DbContextOptions<DomainDbContext> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _pool = new PooledDbContextFactory<DomainDbContext>(options);
    }

    /// <summary>A context acting as anon: no identity, no rows.</summary>
    public DomainDbContext CreateDbContext() => For(RlsClaims.Anonymous);

    /// <summary>A context acting for <paramref name="claims"/>.</summary>
    public DomainDbContext For(RlsClaims claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        return _pool.CreateDbContext().ActFor(claims);
    }

    /// <summary>A context acting for a signed-in user.</summary>
    public DomainDbContext ForUser(Guid userId, string? email = null, IReadOnlyDictionary<string, object?>? appMetadata = null)
        => For(RlsClaims.ForUser(userId, email, appMetadata));

    /// <summary>A context acting as the service role, which bypasses RLS. For trusted backend work only.</summary>
    public DomainDbContext AsServiceRole() => For(RlsClaims.Service);

    /// <summary>A context acting as anon.</summary>
    public DomainDbContext AsAnon() => For(RlsClaims.Anonymous);
}
