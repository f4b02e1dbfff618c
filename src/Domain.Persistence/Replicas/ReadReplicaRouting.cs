using Domain.Persistence.Rls;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Domain.Persistence.Replicas;

/// <summary>
/// Read-your-writes, the reading side: decides where a read-only context reads. A caller whose writes the standby is
/// known to have replayed (or who has not written) reads from the standby at once, without a round trip of its own.
/// Otherwise the context opens its standby connection and polls the standby's replay position for at most the
/// configured wait; when the standby gets there, the context reads from it, and when it does not, the caller reads from
/// the primary instead. A standby that turns out not to be in recovery (a multi-host replica string that fell back to
/// the primary) has every write.
/// </summary>
internal sealed class ReadReplicaRouting(
    CallerContextPools standbyPools, CallerWritePositions writePositions, TimeSpan wait, TimeProvider clock)
{
    private const string ReplayPositionSql = "SELECT pg_catalog.pg_is_in_recovery(), pg_catalog.pg_last_wal_replay_lsn()";

    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(1);

    private static readonly TimeSpan LongestPause = TimeSpan.FromMilliseconds(10);

    public CallerWritePositions WritePositions { get; } = writePositions;

    /// <summary>
    /// A read-only context for <paramref name="claims"/> on the standby, or on the primary (from
    /// <paramref name="primaryPools"/>) when the standby has not replayed the caller's latest write within the wait.
    /// </summary>
    public async ValueTask<DomainDbContext> LeaseAsync(RlsClaims claims, CallerContextPools primaryPools, CancellationToken cancellationToken)
    {
        var needed = WritePositions.Unreplayed(claims);
        var standby = standbyPools.Lease(claims, readOnly: true, writePositions: null);
        if (needed is not { } position)
        {
            return standby;
        }

        try
        {
            if (wait > TimeSpan.Zero && await WaitForReplayAsync(standby, position, cancellationToken))
            {
                return standby;
            }
        }
        catch
        {
            await standby.DisposeAsync();
            throw;
        }

        await standby.DisposeAsync();
        return primaryPools.Lease(claims, readOnly: true, writePositions: null);
    }

    /// <summary>
    /// Polls the standby behind <paramref name="context"/>, on the connection the context will read on, until it has
    /// replayed <paramref name="position"/> or the wait is over.
    /// </summary>
    private async Task<bool> WaitForReplayAsync(DomainDbContext context, NpgsqlLogSequenceNumber position, CancellationToken cancellationToken)
    {
        await context.Database.OpenConnectionAsync(cancellationToken);
        var connection = (NpgsqlConnection)context.Database.GetDbConnection();
        var started = clock.GetTimestamp();
        var pause = FirstPause;
        while (true)
        {
            await using (var command = new NpgsqlCommand(ReplayPositionSql, connection))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                await reader.ReadAsync(cancellationToken);
                if (!reader.GetBoolean(0))
                {
                    return true;
                }

                if (!reader.IsDBNull(1))
                {
                    var replayed = reader.GetFieldValue<NpgsqlLogSequenceNumber>(1);
                    WritePositions.Replayed(replayed);
                    if (replayed >= position)
                    {
                        return true;
                    }
                }
            }

            var left = wait - clock.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                return false;
            }

            await Task.Delay(left < pause ? left : pause, clock, cancellationToken);
            pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
        }
    }
}
