namespace Domain.Cli.Scaffolding;

/// <summary>
/// Remembers every file a scaffold creates or changes, itself or through the tools it runs, so that a failure part way
/// puts the working tree back exactly as it was: created files removed (and folders they alone filled), edited files
/// restored.
/// </summary>
internal sealed class Undo(string repositoryRoot)
{
    private readonly List<string> _created = [];
    private readonly Dictionary<string, string?> _originals = new(StringComparer.Ordinal);
    private readonly List<string> _createdDirectories = [];
    private readonly List<(string Folder, string Pattern, HashSet<string> Before)> _watchedFolders = [];

    /// <summary>The files the scaffold created, relative to the repository, once <see cref="Settle"/> has run.</summary>
    public List<string> Created { get; } = [];

    /// <summary>The existing files the scaffold changed, relative to the repository, once <see cref="Settle"/> has run.</summary>
    public List<string> Edited { get; } = [];

    public void Create(string path, string content)
    {
        var full = Full(path);
        CreateDirectories(Path.GetDirectoryName(full)!);
        _created.Add(path);
        File.WriteAllText(full, content);
    }

    public void Edit(string path, Func<string, string> edit)
    {
        var full = Full(path);
        var original = File.ReadAllText(full);
        _originals.TryAdd(path, original);
        File.WriteAllText(full, edit(original));
    }

    /// <summary>Remembers <paramref name="path"/> as it is (or that it does not exist) before a tool may change it.</summary>
    public void Watch(string path)
    {
        var full = Full(path);
        _originals.TryAdd(path, File.Exists(full) ? File.ReadAllText(full) : null);
    }

    /// <summary>Remembers which files in <paramref name="folder"/> match <paramref name="pattern"/>, so files a tool adds there can be removed.</summary>
    public void WatchNewFiles(string folder, string pattern)
    {
        var full = Full(folder);
        var before = Directory.Exists(full) ? Directory.EnumerateFiles(full, pattern).ToHashSet(StringComparer.Ordinal) : [];
        _watchedFolders.Add((folder, pattern, before));
    }

    /// <summary>Works out what was created and edited, for the report.</summary>
    public void Settle()
    {
        Created.Clear();
        Edited.Clear();
        Created.AddRange(_created);
        Created.AddRange(NewInWatchedFolders().Select(f => Path.GetRelativePath(repositoryRoot, f).Replace('\\', '/')));
        foreach (var (path, original) in _originals)
        {
            var full = Full(path);
            if (original is null)
            {
                if (File.Exists(full))
                {
                    Created.Add(path);
                }
            }
            else if (File.ReadAllText(full) != original)
            {
                Edited.Add(path);
            }
        }
    }

    /// <summary>Puts every file back as it was before the scaffold started.</summary>
    public void Run()
    {
        foreach (var file in NewInWatchedFolders())
        {
            File.Delete(file);
        }

        foreach (var path in _created)
        {
            File.Delete(Full(path));
        }

        foreach (var (path, original) in _originals)
        {
            if (original is null)
            {
                File.Delete(Full(path));
            }
            else
            {
                File.WriteAllText(Full(path), original);
            }
        }

        foreach (var directory in _createdDirectories.AsEnumerable().Reverse())
        {
            if (Directory.Exists(directory) && !Directory.EnumerateFileSystemEntries(directory).Any())
            {
                Directory.Delete(directory);
            }
        }
    }

    private IEnumerable<string> NewInWatchedFolders()
        => _watchedFolders.SelectMany(w => Directory.Exists(Full(w.Folder))
            ? Directory.EnumerateFiles(Full(w.Folder), w.Pattern).Where(f => !w.Before.Contains(f))
            : []).ToList();

    private void CreateDirectories(string directory)
    {
        var missing = new Stack<string>();
        for (var current = directory; !Directory.Exists(current); current = Path.GetDirectoryName(current)!)
        {
            missing.Push(current);
        }

        while (missing.Count > 0)
        {
            var next = missing.Pop();
            Directory.CreateDirectory(next);
            _createdDirectories.Add(next);
        }
    }

    private string Full(string relative) => Path.Combine(repositoryRoot, relative);
}
