using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Domain.Persistence.Files;

/// <summary>Accesses of one file coalesced in memory: how many, and the newest.</summary>
public readonly record struct FileAccessTally(Guid FileId, long Count, DateTimeOffset LastAccessedAt);

/// <summary>Writes of the StoredFile aggregate that do not need the aggregate in memory, each one statement.</summary>
public static class FileCommands
{
    /// <summary>
    /// Adds each tally to its file's <c>access_count</c> and moves <c>last_accessed_at</c> forward, in one statement,
    /// skipping the rows another transaction holds (it never waits on a writer, nor a writer long on it) and returning
    /// the ids of the files it skipped. Files that no longer exist are neither updated nor returned.
    /// </summary>
    private const string FlushSql = """
        WITH v AS (
            SELECT * FROM unnest(@ids, @counts, @last_accessed_at) AS v(id, hits, at)),
        locked AS MATERIALIZED (
            SELECT f.id FROM public.files f WHERE f.id = ANY (@ids) FOR NO KEY UPDATE SKIP LOCKED),
        applied AS (
            UPDATE public.files f
               SET access_count = f.access_count + v.hits,
                   last_accessed_at = greatest(f.last_accessed_at, v.at)
              FROM v
             WHERE f.id = v.id AND f.id IN (SELECT id FROM locked)
            RETURNING f.id)
        SELECT f.id AS "Value" FROM public.files f WHERE f.id = ANY (@ids) AND f.id NOT IN (SELECT id FROM applied)
        """;

    /// <summary>
    /// Writes <paramref name="tallies"/> (one per file) to the files in one statement; returns the files whose row another
    /// transaction held, which were skipped and should be written later. Run it as the service role: callers may not
    /// write the counters.
    /// </summary>
    public static async Task<IReadOnlyList<Guid>> FlushFileAccessesAsync(
        this DomainDbContext db, IReadOnlyList<FileAccessTally> tallies, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tallies);
        if (tallies.Count == 0)
        {
            return [];
        }

        return await db.Database.SqlQueryRaw<Guid>(
                FlushSql,
                new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = tallies.Select(t => t.FileId).ToArray() },
                new NpgsqlParameter("counts", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = tallies.Select(t => t.Count).ToArray() },
                new NpgsqlParameter("last_accessed_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
                {
                    Value = tallies.Select(t => t.LastAccessedAt.ToUniversalTime()).ToArray(),
                })
            .ToListAsync(cancellationToken);
    }
}
