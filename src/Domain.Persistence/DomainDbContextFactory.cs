using Domain.Persistence.Replicas;
using Domain.Persistence.Rls;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Domain.Persistence;

/// <summary>
/// Creates contexts that act for one caller. Application code asks for a user, the service role or anon; EF's
/// <see cref="IDbContextFactory{TContext}.CreateDbContext"/>, which carries no identity, acts as anon, which reaches
/// no row (fail closed). Read-only contexts (<see cref="ReadOnlyForAsync"/>) read from the read replica when one is
/// configured, with read-your-writes for their caller.
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
    private readonly ReadReplicaRouting? _replica;

    /// <summary>Contexts on the database of <paramref name="options"/>; read-only contexts read from it too.</summary>
    public DomainDbContextFactory(DbContextOptions<DomainDbContext> options)
        : this(new CallerContextPools(options ?? throw new ArgumentNullException(nameof(options))), replica: null)
    {
    }

    /// <summary>
    /// Contexts on the primary of <paramref name="options"/>, and read-only contexts on the standby of
    /// <paramref name="readReplicaOptions"/>: after a caller wrote, its next read-only context waits up to
    /// <paramref name="readYourWritesWait"/> for the standby to replay the write, then reads from the primary instead.
    /// </summary>
    public DomainDbContextFactory(
        DbContextOptions<DomainDbContext> options, DbContextOptions<DomainDbContext> readReplicaOptions, TimeSpan readYourWritesWait,
        TimeProvider? clock = null)
        : this(
            new CallerContextPools(options ?? throw new ArgumentNullException(nameof(options))),
            new ReadReplicaRouting(
                new CallerContextPools(readReplicaOptions ?? throw new ArgumentNullException(nameof(readReplicaOptions))),
                new CallerWritePositions(),
                readYourWritesWait >= TimeSpan.Zero ? readYourWritesWait : throw new ArgumentOutOfRangeException(nameof(readYourWritesWait)),
                clock ?? TimeProvider.System))
    {
    }

    internal DomainDbContextFactory(CallerContextPools pools, ReadReplicaRouting? replica = null)
    {
        _pools = pools;
        _replica = replica;
    }

    /// <summary>Whether read-only contexts read from a read replica.</summary>
    public bool HasReadReplica => _replica is not null;

    /// <summary>Read-your-writes bookkeeping; null without a read replica.</summary>
    internal CallerWritePositions? WritePositions => _replica?.WritePositions;

    /// <summary>
    /// The factory <paramref name="options"/> describe (validated first): the primary, and the read replica when one is
    /// configured, both reached as <see cref="DomainPersistenceOptions.ConnectionMode"/> says, logging through
    /// <paramref name="loggerFactory"/> and running <paramref name="additionalInterceptors"/> after the layer's own.
    /// </summary>
    /// <exception cref="InvalidOperationException">A setting is missing or invalid; the message names it.</exception>
    public static DomainDbContextFactory Create(
        DomainPersistenceOptions options, ILoggerFactory? loggerFactory = null, IEnumerable<IInterceptor>? additionalInterceptors = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        IInterceptor[] interceptors = [.. additionalInterceptors ?? []];
        var primary = DomainDbContextOptions.Create(options.ConnectionString!, options.ConnectionMode, loggerFactory, interceptors);
        return options.ReadReplicaConnectionString is { } replica
            ? new DomainDbContextFactory(
                primary,
                DomainDbContextOptions.Create(replica, options.ConnectionMode, loggerFactory, interceptors),
                options.ReadYourWritesWait)
            : new DomainDbContextFactory(primary);
    }

    /// <summary>For code that only knows EF's factory interface: a context acting as anon (no identity, no rows).</summary>
    DomainDbContext IDbContextFactory<DomainDbContext>.CreateDbContext() => AsAnon();

    /// <summary>A context acting for <paramref name="claims"/>, on the primary.</summary>
    public DomainDbContext For(RlsClaims claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        return _pools.Lease(claims, readOnly: false, _replica?.WritePositions);
    }

    /// <summary>A context acting for a signed-in user.</summary>
    public DomainDbContext ForUser(Guid userId, string? email = null, IReadOnlyDictionary<string, object?>? appMetadata = null)
        => For(RlsClaims.ForUser(userId, email, appMetadata));

    /// <summary>A context acting as the service role, which bypasses RLS. For trusted backend work only.</summary>
    public DomainDbContext AsServiceRole() => For(RlsClaims.Service);

    /// <summary>A context acting as anon: no identity, no rows.</summary>
    public DomainDbContext AsAnon() => For(RlsClaims.Anonymous);

    /// <summary>
    /// A read-only context acting for <paramref name="claims"/> (<see cref="DomainDbContext.IsReadOnly"/>: PostgreSQL
    /// refuses any write it sends). With a read replica it reads from the standby, under the same row-level security
    /// as on the primary; if the caller wrote through this factory and the standby has not replayed that write yet, it
    /// waits for it at most <see cref="DomainPersistenceOptions.ReadYourWritesWait"/>, then reads from the primary instead,
    /// so a caller always sees its own writes. Without a replica it reads from the primary. Where it reads is fixed when
    /// it is created.
    /// </summary>
    public ValueTask<DomainDbContext> ReadOnlyForAsync(RlsClaims claims, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claims);
        return _replica is null
            ? ValueTask.FromResult(_pools.Lease(claims, readOnly: true))
            : _replica.LeaseAsync(claims, _pools, cancellationToken);
    }

    /// <summary>A read-only context acting for a signed-in user (see <see cref="ReadOnlyForAsync"/>).</summary>
    public ValueTask<DomainDbContext> ReadOnlyForUserAsync(Guid userId, string? email = null, CancellationToken cancellationToken = default)
        => ReadOnlyForAsync(RlsClaims.ForUser(userId, email), cancellationToken);
}
