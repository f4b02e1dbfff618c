using Domain.DevDatabase;
using Npgsql;

namespace Domain.IntegrationTests.Infrastructure;

/// <summary>
/// The one PostgreSQL server of a test run, from the first source that has one, in the order DESIGN.md gives: a
/// connection string in <c>DOMAIN_TEST_CONNECTION</c> (a role that may create databases and roles); Testcontainers
/// when a Docker engine answers; otherwise a throwaway cluster started from the machine's PostgreSQL binaries.
/// </summary>
public sealed class TestServer
{
    public const string ConnectionVariable = "DOMAIN_TEST_CONNECTION";

    /// <summary>The login role application contexts use: it owns nothing and may only switch to the API roles.</summary>
    public const string AppRole = AppLoginRole.Name;

    private static readonly Lazy<Task<TestServer>> Shared = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);
    private static int _databaseCounter;

    private TestServer(DatabaseServer server)
    {
        Server = server;
    }

    /// <summary>The server, for provisioning databases on it; it lives as long as the test process.</summary>
    public DatabaseServer Server { get; }

    /// <summary>A superuser connection to the server's <c>postgres</c> database.</summary>
    public string AdminConnectionString => Server.AdminConnectionString;

    /// <summary>Where the server came from, for diagnostics.</summary>
    public string Source => Server.Description;

    public static Task<TestServer> InstanceAsync() => Shared.Value;

    /// <summary>A superuser connection string to database <paramref name="database"/>.</summary>
    public string AdminConnectionTo(string database, string? username = null, string? password = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database, Pooling = true };
        if (username is not null)
        {
            builder.Username = username;
            builder.Password = password;
        }

        return builder.ConnectionString;
    }

    /// <summary>A connection string for the application login role to <paramref name="database"/>.</summary>
    public string AppConnectionTo(string database, int? maxPoolSize = null, bool noResetOnClose = false)
    {
        var builder = new NpgsqlConnectionStringBuilder(AdminConnectionString)
        {
            Database = database,
            Username = AppLoginRole.Name,
            Password = AppLoginRole.DevPassword,
            NoResetOnClose = noResetOnClose,
        };
        if (maxPoolSize is { } max)
        {
            builder.MaxPoolSize = max;
            builder.ApplicationName = $"domain-tests-pool{max}-{(noResetOnClose ? "noreset" : "reset")}";
        }

        return builder.ConnectionString;
    }

    /// <summary>A database name no other database of this run (or of a parallel run) has.</summary>
    public static string UniqueDatabaseName(string prefix) => $"{prefix}_{Environment.ProcessId}_{Interlocked.Increment(ref _databaseCounter)}";

    /// <summary>Creates an empty database with a unique name, owned by <paramref name="owner"/> (default: the admin).</summary>
    public async Task<string> CreateDatabaseAsync(string prefix, string? owner = null)
    {
        var name = UniqueDatabaseName(prefix);
        await Server.CreateDatabaseAsync(name, owner);
        return name;
    }

    public Task DropDatabaseAsync(string name) => Server.DropDatabaseAsync(name);

    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs <paramref name="sql"/> and returns the first column of the first row (default when NULL or no row).</summary>
    public static async Task<T?> ScalarAsync<T>(string connectionString, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? default : (T)result;
    }

    private static async Task<TestServer> StartAsync()
    {
        var server = await DatabaseServer.OpenFirstAsync(
        [
            ConnectionStringSource.FromEnvironment(ConnectionVariable),
            new TestcontainersServerSource(),
            LocalClusterSource.Throwaway("domain-tests-"),
        ]);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();

        // Before any test migrates: the migrations' compatibility shim creates the API roles where they are missing,
        // and the scratch databases of the migration tests migrate while the shared one does; two transactions
        // creating one role at once make one of them fail.
        await AppLoginRole.EnsureAsync(server.AdminConnectionString);
        return new TestServer(server);
    }
}
