namespace Domain.DevDatabase;

/// <summary>
/// The database <c>domain up</c> keeps for a clone of the repository: a persistent local cluster under
/// <c>&lt;repo&gt;/.data/pg</c>, database <see cref="DatabaseName"/>. Every development tool that falls back to a local
/// database when none is configured (the CLI, the HTTP API) finds the same one here.
/// </summary>
public static class LocalDevDatabase
{
    /// <summary>The database the local cluster keeps the model in.</summary>
    public const string DatabaseName = "domain";

    /// <summary>The repository root: the nearest folder up from <paramref name="start"/> (default: the current one) that holds Domain.sln.</summary>
    public static string RepositoryRoot(string? start = null)
    {
        start ??= Directory.GetCurrentDirectory();
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Domain.sln")))
            {
                return directory.FullName;
            }
        }

        return start;
    }

    /// <summary>The local cluster's data directory.</summary>
    public static string DataDirectory(string? start = null) => Path.Combine(RepositoryRoot(start), ".data", "pg");

    /// <summary>The local cluster as a server source: attached to when running, else started (on <paramref name="port"/> if given).</summary>
    public static LocalClusterSource Source(int? port = null, string? start = null) => LocalClusterSource.Persistent(DataDirectory(start), port, DatabaseName);
}
