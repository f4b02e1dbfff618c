#pragma warning disable EF1001 // EF's pooling contract (IDbContextPool, IDbContextPoolable, DbContextLease) is pubternal; it is the supported way to pool.
using System.Collections.Concurrent;
using Domain.Persistence.Replicas;
using Domain.Persistence.Rls;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Internal;

namespace Domain.Persistence;

/// <summary>
/// Contexts pooled per caller: a context one caller disposed is only ever handed to the same caller again. EF's own
/// context pool hands an instance to whoever asks next, so a reference kept past <c>Dispose</c> would act for a
/// different caller; here such a reference can only reach rows its own caller may reach, and while the context is
/// idle it throws <see cref="ObjectDisposedException"/> like any disposed context. Building a context from scratch
/// costs more than a primary-key read (docs/benchmarks.md), so reuse matters on the hot path.
/// </summary>
/// <remarks>
/// A caller is a role and a user id (so a user's refreshed token reuses the user's contexts). At most
/// <see cref="MaxCallers"/> callers keep idle contexts, at most <see cref="ContextsPerCaller"/> each (an idle context
/// holds about 21 KiB, so the defaults keep at most about 21 MiB); beyond that a caller used long ago is dropped and
/// its idle contexts disposed.
/// </remarks>
internal sealed class CallerContextPools(DbContextOptions<DomainDbContext> options, int maxCallers = 1_024, int contextsPerCaller = 1)
{
    private const int EvictionSample = 8;

    private readonly ConcurrentDictionary<(string Role, Guid? UserId), CallerPool> _pools = new();

    /// <summary>Counts leases; a pool remembers the number of its latest, which orders callers by recent use without ties.</summary>
    private long _leases;

    public int MaxCallers { get; } = maxCallers >= 1 ? maxCallers : throw new ArgumentOutOfRangeException(nameof(maxCallers));

    public int ContextsPerCaller { get; } = contextsPerCaller >= 0 ? contextsPerCaller : throw new ArgumentOutOfRangeException(nameof(contextsPerCaller));

    /// <summary>How many callers hold idle contexts now.</summary>
    public int CallerCount => _pools.Count;

    /// <summary>
    /// A context acting for <paramref name="claims"/>: one this caller disposed earlier, or a new one; read-only when
    /// <paramref name="readOnly"/>, recording its writes' positions in <paramref name="writePositions"/> when given.
    /// </summary>
    public DomainDbContext Lease(RlsClaims claims, bool readOnly = false, CallerWritePositions? writePositions = null)
    {
        var key = (claims.Role, claims.UserId);
        if (!_pools.TryGetValue(key, out var pool))
        {
            pool = _pools.GetOrAdd(key, _ => new CallerPool(options, ContextsPerCaller));
            if (_pools.Count > MaxCallers)
            {
                DropLeastRecentlyUsed(except: key);
            }
        }

        pool.Touch(Interlocked.Increment(ref _leases));
        var lease = new DbContextLease(pool, standalone: true);
        lease.Context.SetLease(lease);
        return ((DomainDbContext)lease.Context).ActFor(claims, readOnly, writePositions);
    }

    /// <summary>
    /// Drops the caller used least recently among a few, not among all: a scan of every caller would cost more than
    /// the context that a miss builds anyway.
    /// </summary>
    private void DropLeastRecentlyUsed((string Role, Guid? UserId) except)
    {
        var oldest = _pools.Where(p => p.Key != except).Take(EvictionSample).MinBy(p => p.Value.LastUsed);
        if (oldest.Value is not null && _pools.TryRemove(oldest))
        {
            oldest.Value.Retire();
        }
    }


    /// <summary>The idle contexts of one caller, in EF's pooling contract: EF returns a disposed context here.</summary>
    private sealed class CallerPool(DbContextOptions<DomainDbContext> options, int capacity) : IDbContextPool
    {
        private readonly ConcurrentQueue<IDbContextPoolable> _idle = new();
        private int _idleCount;
        private long _lastUsed;
        private volatile bool _retired;

        public long LastUsed => Volatile.Read(ref _lastUsed);

        public void Touch(long lease) => Volatile.Write(ref _lastUsed, lease);

        public IDbContextPoolable Rent()
        {
            if (_idle.TryDequeue(out var context))
            {
                Interlocked.Decrement(ref _idleCount);
                return context;
            }

            IDbContextPoolable created = new DomainDbContext(options);
            created.SnapshotConfiguration();
            return created;
        }

        public void Return(IDbContextPoolable context)
        {
            if (TryKeep())
            {
                context.ResetState();
                Keep(context);
            }
            else
            {
                context.ClearLease();
                context.Dispose();
            }
        }

        public async ValueTask ReturnAsync(IDbContextPoolable context, CancellationToken cancellationToken = default)
        {
            if (TryKeep())
            {
                await context.ResetStateAsync(cancellationToken);
                Keep(context);
            }
            else
            {
                context.ClearLease();
                await context.DisposeAsync();
            }
        }

        /// <summary>No more reuse: the idle contexts are disposed, and contexts still leased are disposed on return.</summary>
        public void Retire()
        {
            _retired = true;
            while (_idle.TryDequeue(out var context))
            {
                Interlocked.Decrement(ref _idleCount);
                context.ClearLease();
                context.Dispose();
            }
        }

        private void Keep(IDbContextPoolable context)
        {
            _idle.Enqueue(context);
            if (_retired)
            {
                Retire();
            }
        }

        private bool TryKeep()
        {
            if (!_retired && Interlocked.Increment(ref _idleCount) <= capacity)
            {
                return true;
            }

            Interlocked.Decrement(ref _idleCount);
            return false;
        }
    }
}
