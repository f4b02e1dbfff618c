using System.CommandLine;
using Domain.Persistence;
using Domain.DevDatabase;
using Npgsql;

namespace Domain.Cli;

/// <summary>
/// The database a command works on: <c>--connection</c>, then <c>ConnectionStrings__Domain</c>, then
/// <c>DATABASE_URL</c>, then the persistent local cluster under <c>&lt;repo&gt;/.data/pg</c>, which is started (or
/// attached to) on demand and left running.
/// </summary>
internal sealed class CliConnection : IAsyncDisposable
{
    /// <summary>The database the local cluster keeps the model in.</summary>
    public const string LocalDatabase = "domain";

    private CliConnection(string connectionString, string source, LocalPostgres? local)
    {
        ConnectionString = connectionString;
        Source = source;
        Local = local;
        var parsed = new NpgsqlConnectionStringBuilder(connectionString);
        Server = $"{parsed.Host}:{parsed.Port}";
        Database = parsed.Database ?? parsed.Username ?? "postgres";
    }

    /// <summary>Connects as the schema owner.</summary>
    public string ConnectionString { get; }

    /// <summary>Where the connection string came from, for the report.</summary>
    public string Source { get; }

    /// <summary>The local cluster, or null when a connection is configured.</summary>
    public LocalPostgres? Local { get; }

    /// <summary>host:port, never the credentials.</summary>
    public string Server { get; }

    public string Database { get; }

    /// <summary>The repository root: the nearest folder up from the current one that holds Domain.sln.</summary>
    public static string RepositoryRoot()
    {
        var start = Directory.GetCurrentDirectory();
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
    public static string LocalDataDirectory() => Path.Combine(RepositoryRoot(), ".data", "pg");

    /// <summary>The configured connection string (checked to be usable), or null when none is configured.</summary>
    public static string? Configured(ParseResult parseResult)
    {
        var explicitConnection = parseResult.GetValue(CliOptions.Connection);
        if (parseResult.GetResult(CliOptions.Connection) is { Implicit: false } && string.IsNullOrWhiteSpace(explicitConnection))
        {
            throw new InvalidOperationException("--connection was given without a connection string.");
        }

        var connectionString = DatabaseUrl.ResolveConnectionString(explicitConnection);
        if (connectionString is not null)
        {
            ConnectionStrings.EnsureUsable(connectionString);
        }

        return connectionString;
    }

    /// <summary>The configured database, or else the local cluster (started if needed) with its database created.</summary>
    public static async Task<CliConnection> OpenAsync(ParseResult parseResult, int? localPort, CancellationToken ct)
    {
        if (Configured(parseResult) is { } configured)
        {
            return new CliConnection(configured, DescribeSource(parseResult), null);
        }

        var local = await LocalPostgres.StartAsync(
            new LocalPostgresOptions { DataDirectory = LocalDataDirectory(), Persistent = true, Port = localPort }, ct);
        try
        {
            await local.CreateDatabaseAsync(LocalDatabase, cancellationToken: ct);
            return new CliConnection(local.ConnectionString(LocalDatabase), "local cluster", local);
        }
        catch
        {
            await local.DisposeAsync();
            throw;
        }
    }

    /// <summary>Leaves a persistent local cluster running.</summary>
    public ValueTask DisposeAsync() => Local?.DisposeAsync() ?? ValueTask.CompletedTask;

    private static string DescribeSource(ParseResult parseResult)
    {
        if (!string.IsNullOrWhiteSpace(parseResult.GetValue(CliOptions.Connection)))
        {
            return "--connection";
        }

        return string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(DatabaseUrl.ConnectionStringVariable))
            ? DatabaseUrl.DatabaseUrlVariable
            : DatabaseUrl.ConnectionStringVariable;
    }
}
