using Domain.Files;
using Domain.Persistence.Files;

namespace Domain.Application.Files.Deletion;

/// <summary>The application's <see cref="IFileRemover"/>s, one per place; a second remover for one place is a configuration error.</summary>
public sealed class FileRemovers
{
    private readonly Dictionary<FilePlace, IFileRemover> _byPlace = [];

    public FileRemovers(IEnumerable<IFileRemover> removers)
    {
        ArgumentNullException.ThrowIfNull(removers);
        foreach (var remover in removers)
        {
            if (!_byPlace.TryAdd(remover.Place, remover))
            {
                throw new InvalidOperationException(
                    $"Two file removers are registered for {remover.Place}: {_byPlace[remover.Place].GetType().Name} and {remover.GetType().Name}. "
                    + "Register one per place.");
            }
        }

        Places = new FileDeletionPlaces(
            _byPlace.ContainsKey(FilePlace.Storage),
            [.. _byPlace.Keys.Where(p => p.Location == FileLocation.Provider).Select(p => p.Provider!).Order(StringComparer.Ordinal)]);
    }

    /// <summary>The places there is a remover for: the only jobs this process's workers claim.</summary>
    public FileDeletionPlaces Places { get; }

    public bool IsEmpty => _byPlace.Count == 0;

    /// <summary>The remover for the job's place, or null.</summary>
    public IFileRemover? For(FileDeletionJob job) => _byPlace.GetValueOrDefault(FilePlace.Of(job));
}
