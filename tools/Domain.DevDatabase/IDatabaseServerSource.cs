namespace Domain.DevDatabase;

/// <summary>
/// One place a development PostgreSQL server can come from: a connection string, a container, the machine's own
/// binaries. <see cref="DatabaseServer.OpenFirstAsync"/> asks several in order and takes the first server offered.
/// </summary>
public interface IDatabaseServerSource
{
    /// <summary>
    /// The server, started or attached to; null when this source has none to offer (nothing configured, no Docker
    /// engine). A source that should have one but fails to start it throws.
    /// </summary>
    Task<DatabaseServer?> TryOpenAsync(CancellationToken cancellationToken);
}
