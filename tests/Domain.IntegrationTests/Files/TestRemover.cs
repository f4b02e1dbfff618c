using System.Collections.Concurrent;
using Domain.Application.Files.Deletion;

namespace Domain.IntegrationTests.Files;

/// <summary>
/// An <see cref="IFileRemover"/> for tests: records every removal it is asked for, notices two removals of one job at
/// the same time, and behaves as <see cref="Behaviour"/> says (succeed by default).
/// </summary>
internal sealed class TestRemover(FilePlace place) : IFileRemover
{
    private readonly ConcurrentDictionary<Guid, byte> _inFlight = new();
    private readonly ConcurrentQueue<FileRemoval> _removals = new();
    private int _overlaps;

    public FilePlace Place { get; } = place;

    /// <summary>What each removal does after it is recorded; throw to fail it.</summary>
    public Func<FileRemoval, CancellationToken, Task> Behaviour { get; set; } = (_, _) => Task.CompletedTask;

    public IReadOnlyList<FileRemoval> Removals => [.. _removals];

    /// <summary>How many times a removal started while another removal of the same job was running.</summary>
    public int Overlaps => Volatile.Read(ref _overlaps);

    public static TestRemover Storage() => new(FilePlace.Storage);

    public static TestRemover Provider(string provider) => new(FilePlace.AtProvider(provider));

    public async Task RemoveAsync(FileRemoval removal, CancellationToken cancellationToken)
    {
        _removals.Enqueue(removal);
        if (!_inFlight.TryAdd(removal.JobId, 0))
        {
            Interlocked.Increment(ref _overlaps);
        }

        try
        {
            await Task.Yield();
            await Behaviour(removal, cancellationToken);
        }
        finally
        {
            _inFlight.TryRemove(removal.JobId, out _);
        }
    }
}
