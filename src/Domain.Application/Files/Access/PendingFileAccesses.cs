using Domain.Persistence.Files;

namespace Domain.Application.Files.Access;

/// <summary>
/// Accesses not yet written, coalesced per file: however many times a file is opened between two flushes, it is one
/// tally (a count and the newest time), so a flush writes each file's row once. Adding takes a short lock in memory and
/// nothing else; a reader of the file never waits on the database for it.
/// </summary>
internal sealed class PendingFileAccesses
{
    private readonly Lock _gate = new();

    // Guarded by _gate.
    private Dictionary<Guid, FileAccessTally> _tallies = [];

    /// <summary>How many files have accesses waiting.</summary>
    public int Files
    {
        get
        {
            lock (_gate)
            {
                return _tallies.Count;
            }
        }
    }

    /// <summary>Counts <paramref name="count"/> accesses of <paramref name="fileId"/>, the newest at <paramref name="at"/>; returns how many files are waiting.</summary>
    public int Add(Guid fileId, DateTimeOffset at, long count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        lock (_gate)
        {
            _tallies[fileId] = _tallies.TryGetValue(fileId, out var tally)
                ? new FileAccessTally(fileId, tally.Count + count, at > tally.LastAccessedAt ? at : tally.LastAccessedAt)
                : new FileAccessTally(fileId, count, at);
            return _tallies.Count;
        }
    }

    /// <summary>Takes every tally, leaving none waiting.</summary>
    public IReadOnlyList<FileAccessTally> TakeAll()
    {
        Dictionary<Guid, FileAccessTally> taken;
        lock (_gate)
        {
            taken = _tallies;
            _tallies = [];
        }

        return [.. taken.Values];
    }

    /// <summary>Puts tallies that could not be written back, merged with what was added since.</summary>
    public void Restore(IEnumerable<FileAccessTally> tallies)
    {
        ArgumentNullException.ThrowIfNull(tallies);
        foreach (var tally in tallies)
        {
            Add(tally.FileId, tally.LastAccessedAt, tally.Count);
        }
    }
}
