using System.Collections.Concurrent;
using Domain.Persistence.Rls;
using NpgsqlTypes;

namespace Domain.Persistence.Replicas;

/// <summary>
/// Read-your-writes bookkeeping, in this process: the primary's WAL position after each caller's latest write, and the
/// furthest position a standby is known to have replayed. A caller whose latest write lies beyond that is not read from
/// the standby until it has replayed that far (<see cref="ReadReplicaRouting"/>). A user is one caller whatever role
/// they act as; callers without a user (the service role) are one caller per role.
/// </summary>
/// <remarks>
/// Errs on the side of the primary: positions only grow, so a stale view of the standby sends a read to the primary
/// that the standby could have served, never the other way round. At most <see cref="MaxCallers"/> callers are kept; when
/// more have written and the standby has not replayed their writes yet, they are forgotten and every caller waits for
/// the newest forgotten position instead (a floor).
/// </remarks>
internal sealed class CallerWritePositions(int maxCallers = 100_000)
{
    private readonly ConcurrentDictionary<CallerKey, ulong> _writes = new();
    private ulong _replayed;
    private ulong _floor;

    public int MaxCallers { get; } = maxCallers >= 1 ? maxCallers : throw new ArgumentOutOfRangeException(nameof(maxCallers));

    /// <summary>The furthest position a standby is known to have replayed.</summary>
    public NpgsqlLogSequenceNumber KnownReplayed => new(Volatile.Read(ref _replayed));

    /// <summary>Records that <paramref name="caller"/> wrote, and the write is covered by <paramref name="position"/>.</summary>
    public void Wrote(RlsClaims caller, NpgsqlLogSequenceNumber position)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var value = (ulong)position;
        _writes.AddOrUpdate(CallerKey.Of(caller), value, (_, known) => Math.Max(known, value));
        if (_writes.Count > MaxCallers)
        {
            Forget();
        }
    }

    /// <summary>Records that a standby has replayed everything up to <paramref name="position"/>.</summary>
    public void Replayed(NpgsqlLogSequenceNumber position) => RaiseTo(ref _replayed, (ulong)position);

    /// <summary>The latest write position recorded for <paramref name="caller"/>, or null when none is.</summary>
    public NpgsqlLogSequenceNumber? LastWriteOf(RlsClaims caller)
        => _writes.TryGetValue(CallerKey.Of(caller), out var value) ? new NpgsqlLogSequenceNumber(value) : null;

    /// <summary>
    /// The position a standby must have replayed before it may serve <paramref name="caller"/>, or null when the standby
    /// is known to be there already.
    /// </summary>
    public NpgsqlLogSequenceNumber? Unreplayed(RlsClaims caller)
    {
        var needed = Math.Max(_writes.TryGetValue(CallerKey.Of(caller), out var value) ? value : 0, Volatile.Read(ref _floor));
        return needed > Volatile.Read(ref _replayed) ? new NpgsqlLogSequenceNumber(needed) : null;
    }

    /// <summary>Drops callers the standby has caught up with; if that is not enough, all of them, raising the floor.</summary>
    private void Forget()
    {
        var replayed = Volatile.Read(ref _replayed);
        foreach (var (key, value) in _writes)
        {
            if (value <= replayed)
            {
                _writes.TryRemove(new KeyValuePair<CallerKey, ulong>(key, value));
            }
        }

        if (_writes.Count <= MaxCallers)
        {
            return;
        }

        foreach (var key in _writes.Keys)
        {
            if (_writes.TryRemove(key, out var value))
            {
                RaiseTo(ref _floor, value);
            }
        }
    }

    private static void RaiseTo(ref ulong target, ulong value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>A user whatever role they act as; otherwise the role.</summary>
    private readonly record struct CallerKey(Guid? UserId, string? Role)
    {
        public static CallerKey Of(RlsClaims claims) => claims.UserId is { } id ? new(id, null) : new(null, claims.Role);
    }
}
