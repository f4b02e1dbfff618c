namespace Domain.DevDatabase;

/// <summary>
/// A cluster from the machine's PostgreSQL binaries (<see cref="LocalPostgres"/>): either persistent, kept between
/// runs and left running (<c>domain up</c>), or throwaway, for this process only and deleted when the server is
/// disposed (tests, benchmarks). It always has a server to offer: without the binaries it throws and says what to install.
/// </summary>
public sealed class LocalClusterSource : IDatabaseServerSource
{
    private readonly Func<LocalPostgresOptions> _options;
    private readonly string? _throwawayPrefix;
    private readonly string? _database;

    private LocalClusterSource(Func<LocalPostgresOptions> options, string? throwawayPrefix, string? database)
    {
        _options = options;
        _throwawayPrefix = throwawayPrefix;
        _database = database;
    }

    /// <summary>
    /// The cluster kept at <paramref name="dataDirectory"/>, attached to when running, else started (on
    /// <paramref name="port"/>, or the one it used last, or a free one); <paramref name="database"/> becomes the
    /// server's <see cref="DatabaseServer.DefaultDatabase"/>.
    /// </summary>
    public static LocalClusterSource Persistent(string dataDirectory, int? port = null, string? database = null)
        => new(() => new LocalPostgresOptions { DataDirectory = dataDirectory, Persistent = true, Port = port }, null, database);

    /// <summary>
    /// A new cluster under the temporary directory, named <paramref name="namePrefix"/> followed by the process id.
    /// Clusters with that prefix whose process has ended (killed before it could delete them) are removed first.
    /// </summary>
    public static LocalClusterSource Throwaway(string namePrefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(namePrefix);
        return new(
            () => new LocalPostgresOptions
            {
                DataDirectory = EndedRuns.NewDirectory(namePrefix),
            },
            namePrefix,
            null);
    }

    /// <inheritdoc />
    public async Task<DatabaseServer?> TryOpenAsync(CancellationToken cancellationToken)
    {
        if (_throwawayPrefix is not null)
        {
            await EndedRuns.RemoveAsync(_throwawayPrefix, LocalPostgres.DestroyAsync, cancellationToken);
        }

        var local = await LocalPostgres.StartAsync(_options(), cancellationToken);
        return new DatabaseServer(local.ConnectionString(), $"local cluster {local.DataDirectory} (PostgreSQL {local.Version})", local)
        {
            DefaultDatabase = _database,
            LocalCluster = local,
        };
    }
}
