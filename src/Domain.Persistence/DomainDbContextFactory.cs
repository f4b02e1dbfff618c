using Domain.Persistence.Rls;
using Microsoft.EntityFrameworkCore;

namespace Domain.Persistence;

/// <summary>
/// Creates contexts that act for one caller. Application code asks for a user, the service role or anon;
/// <see cref="CreateDbContext"/> without an identity acts as anon, which reaches no row (fail closed).
/// </summary>
/// <remarks>
/// Every call makes a new context, never one from EF's context pool: a pooled context is the same object for each
/// caller it serves, so a reference kept past <c>Dispose</c> would silently act for whoever leases it next. A new
/// context throws <see cref="ObjectDisposedException"/> when used after disposal instead. What that costs per
/// context is measured in docs/benchmarks.md.
/// </remarks>
public sealed class DomainDbContextFactory : IDbContextFactory<DomainDbContext>
{
    private readonly DbContextOptions<DomainDbContext> _options;

    public DomainDbContextFactory(DbContextOptions<DomainDbContext> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <summary>A context acting as anon: no identity, no rows.</summary>
    public DomainDbContext CreateDbContext() => For(RlsClaims.Anonymous);

    /// <summary>A context acting for <paramref name="claims"/>.</summary>
    public DomainDbContext For(RlsClaims claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        return new DomainDbContext(_options).ActFor(claims);
    }

    /// <summary>A context acting for a signed-in user.</summary>
    public DomainDbContext ForUser(Guid userId, string? email = null, IReadOnlyDictionary<string, object?>? appMetadata = null)
        => For(RlsClaims.ForUser(userId, email, appMetadata));

    /// <summary>A context acting as the service role, which bypasses RLS. For trusted backend work only.</summary>
    public DomainDbContext AsServiceRole() => For(RlsClaims.Service);

    /// <summary>A context acting as anon.</summary>
    public DomainDbContext AsAnon() => For(RlsClaims.Anonymous);
}
