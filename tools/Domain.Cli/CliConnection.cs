using System.CommandLine;
using Domain.DevDatabase;
using Domain.Persistence;
using Npgsql;

namespace Domain.Cli;

/// <summary>
/// The database a command works on, found through <see cref="DatabaseProvisioner"/> as the tests and the benchmarks
/// find theirs: <c>--connection</c>, then <c>ConnectionStrings__Domain</c>, then <c>DATABASE_URL</c>, then the
/// persistent local cluster under <c>&lt;repo&gt;/.data/pg</c> (database <see cref="LocalDatabase"/>), which is
/// started (or attached to) on demand and left running.
/// </summary>
internal static class CliConnection
{
    /// <summary>The database the local cluster keeps the model in.</summary>
    public const string LocalDatabase = LocalDevDatabase.DatabaseName;

    /// <summary>The local cluster's data directory.</summary>
    public static string LocalDataDirectory() => LocalDevDatabase.DataDirectory();

    /// <summary>The database as it is (the server found or started, the local cluster's database created): nothing else.</summary>
    public static Task<ProvisionedDatabase> OpenAsync(ParseResult parseResult, CancellationToken ct)
        => ProvisionAsync(parseResult, localPort: null, new ProvisionOptions { ApplyMigrations = false, LoginRole = LoginRoleSetup.Skip }, ct);

    /// <summary>
    /// The configured database, else the local cluster (started on <paramref name="localPort"/> if it is not running),
    /// provisioned as <paramref name="options"/> say.
    /// </summary>
    public static Task<ProvisionedDatabase> ProvisionAsync(ParseResult parseResult, int? localPort, ProvisionOptions options, CancellationToken ct)
    {
        IDatabaseServerSource[] servers =
        [
            new ConnectionStringSource(Configured(parseResult), DescribeConfiguredSource(parseResult)),
            LocalDevDatabase.Source(localPort),
        ];
        return DatabaseProvisioner.ProvisionAsync(servers, options, ct);
    }

    /// <summary>host:port, never the credentials.</summary>
    public static string ServerOf(ProvisionedDatabase database)
    {
        var parsed = new NpgsqlConnectionStringBuilder(database.OwnerConnectionString);
        return $"{parsed.Host}:{parsed.Port}";
    }

    public static string DatabaseOf(ProvisionedDatabase database)
    {
        var parsed = new NpgsqlConnectionStringBuilder(database.OwnerConnectionString);
        return parsed.Database ?? parsed.Username ?? "postgres";
    }

    /// <summary>Where the connection came from, for the report: the option or variable, or the local cluster.</summary>
    public static string SourceOf(ProvisionedDatabase database)
        => database.Server.LocalCluster is null ? database.Server.Description : "local cluster";

    /// <summary><c>host:port/database (source)</c>, the first line of most commands.</summary>
    public static string Describe(ProvisionedDatabase database) => $"{ServerOf(database)}/{DatabaseOf(database)} ({SourceOf(database)})";

    /// <summary>The configured connection string (checked to be usable), or null when none is configured.</summary>
    private static string? Configured(ParseResult parseResult)
    {
        var explicitConnection = parseResult.GetValue(CliOptions.Connection);
        if (parseResult.GetResult(CliOptions.Connection) is { Implicit: false } && string.IsNullOrWhiteSpace(explicitConnection))
        {
            throw new InvalidOperationException("--connection was given without a connection string.");
        }

        var connectionString = ConnectionStringResolver.Resolve(explicitConnection);
        if (connectionString is not null)
        {
            ConnectionStrings.EnsureUsable(connectionString);
        }

        return connectionString;
    }

    private static string DescribeConfiguredSource(ParseResult parseResult)
    {
        if (!string.IsNullOrWhiteSpace(parseResult.GetValue(CliOptions.Connection)))
        {
            return "--connection";
        }

        return string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(ConnectionStringResolver.ConnectionStringVariable))
            ? ConnectionStringResolver.DatabaseUrlVariable
            : ConnectionStringResolver.ConnectionStringVariable;
    }
}
