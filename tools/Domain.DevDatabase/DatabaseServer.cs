using System.Text.RegularExpressions;
using Npgsql;

namespace Domain.DevDatabase;

/// <summary>
/// A PostgreSQL server that development tooling may create databases on, reached through a connection with the
/// rights to do so (a superuser, or a role that may create databases and roles). Disposing it stops the server when
/// it was started for this process only (a throwaway cluster, a container); a configured server or a persistent local
/// cluster keeps running.
/// </summary>
public sealed partial class DatabaseServer : IAsyncDisposable
{
    private readonly IAsyncDisposable? _lifetime;
    private int _disposed;

    /// <param name="adminConnectionString">Connects with the rights to create databases and roles.</param>
    /// <param name="description">Where the server came from, for reports and diagnostics.</param>
    /// <param name="lifetime">What to dispose with the server (a throwaway cluster, a container); null when the server outlives this process.</param>
    public DatabaseServer(string adminConnectionString, string description, IAsyncDisposable? lifetime = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(adminConnectionString);
        AdminConnectionString = adminConnectionString;
        Description = description;
        _lifetime = lifetime;
    }

    /// <summary>Connects with the rights to create databases and roles, to the database the source named.</summary>
    public string AdminConnectionString { get; }

    /// <summary>Where the server came from, e.g. the environment variable's name or the local cluster's directory.</summary>
    public string Description { get; }

    /// <summary>
    /// The database provisioning uses when its options name none, created when missing (the persistent cluster's
    /// <c>domain</c>); null: the database <see cref="AdminConnectionString"/> names, used as it is.
    /// </summary>
    public string? DefaultDatabase { get; init; }

    /// <summary>The local cluster behind this server, or null when it came from elsewhere.</summary>
    public LocalPostgres? LocalCluster { get; init; }

    /// <summary>The first server the <paramref name="sources"/> offer, asked in order.</summary>
    /// <exception cref="InvalidOperationException">None of them had a server.</exception>
    public static async Task<DatabaseServer> OpenFirstAsync(IEnumerable<IDatabaseServerSource> sources, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        foreach (var source in sources)
        {
            if (await source.TryOpenAsync(cancellationToken) is { } server)
            {
                return server;
            }
        }

        throw new InvalidOperationException("No PostgreSQL server was found: configure a connection string or install PostgreSQL 15+.");
    }

    /// <summary>The admin connection string with <paramref name="database"/> as its database.</summary>
    public string ConnectionStringTo(string database)
        => new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database }.ConnectionString;

    /// <summary>
    /// Creates database <paramref name="name"/> (owned by <paramref name="owner"/>, else by the admin) unless it exists.
    /// True when this call created it.
    /// </summary>
    public async Task<bool> CreateDatabaseAsync(string name, string? owner = null, CancellationToken cancellationToken = default)
    {
        EnsureIdentifier(name);
        if (owner is not null)
        {
            EnsureIdentifier(owner);
        }

        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_catalog.pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", name);
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
        {
            return false;
        }

        await using var create = new NpgsqlCommand(owner is null ? $"CREATE DATABASE {name}" : $"CREATE DATABASE {name} OWNER {owner}", connection);
        try
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another process (a second `domain up`) created it between the check and here.
            return false;
        }
    }

    /// <summary>Drops database <paramref name="name"/> if it exists, disconnecting its sessions.</summary>
    public async Task DropDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        EnsureIdentifier(name);
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Stops the server if it was started for this process only; otherwise does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_lifetime is null || Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _lifetime.DisposeAsync();
    }

    private static void EnsureIdentifier(string name)
    {
        if (!IdentifierRegex().IsMatch(name))
        {
            throw new ArgumentException($"'{name}' is not a plain lower-case identifier ([a-z_][a-z0-9_]*).", nameof(name));
        }
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex IdentifierRegex();
}
