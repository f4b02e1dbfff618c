using System.Net.Sockets;
using System.Text;
using Domain.DevDatabase;
using Npgsql;
using Testcontainers.PostgreSql;

namespace Domain.IntegrationTests.Infrastructure;

/// <summary>
/// The one PostgreSQL server of a test run, found in the order DESIGN.md gives: a connection string in
/// <c>DOMAIN_TEST_CONNECTION</c> (a role that may create databases and roles); Testcontainers when a Docker
/// engine answers; otherwise a throwaway cluster started from the machine's PostgreSQL binaries.
/// </summary>
public sealed class TestServer
{
    public const string ConnectionVariable = "DOMAIN_TEST_CONNECTION";

    /// <summary>The login role application contexts use: it owns nothing and may only switch to the API roles.</summary>
    public const string AppRole = "domain_app";
    public const string AppPassword = "domain_app";

    private const string ClusterPrefix = "domain-tests-";
    private static readonly Lazy<Task<TestServer>> Shared = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);
    private static int _databaseCounter;

    private TestServer(string adminConnectionString, string source)
    {
        AdminConnectionString = adminConnectionString;
        Source = source;
    }

    /// <summary>A superuser connection to the server's <c>postgres</c> database.</summary>
    public string AdminConnectionString { get; }

    /// <summary>Where the server came from, for diagnostics.</summary>
    public string Source { get; }

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
            Username = AppRole,
            Password = AppPassword,
            NoResetOnClose = noResetOnClose,
        };
        if (maxPoolSize is { } max)
        {
            builder.MaxPoolSize = max;
            builder.ApplicationName = $"domain-tests-pool{max}-{(noResetOnClose ? "noreset" : "reset")}";
        }

        return builder.ConnectionString;
    }

    /// <summary>Creates an empty database with a unique name, owned by <paramref name="owner"/> (default: the admin).</summary>
    public async Task<string> CreateDatabaseAsync(string prefix, string? owner = null)
    {
        var name = $"{prefix}_{Environment.ProcessId}_{Interlocked.Increment(ref _databaseCounter)}";
        await ExecuteAsync(AdminConnectionString, owner is null ? $"CREATE DATABASE {name}" : $"CREATE DATABASE {name} OWNER {owner}");
        return name;
    }

    public Task DropDatabaseAsync(string name) => ExecuteAsync(AdminConnectionString, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");

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
        TestServer server;
        var configured = Environment.GetEnvironmentVariable(ConnectionVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            server = new TestServer(configured, $"{ConnectionVariable}");
        }
        else if (await DockerEngineAnswersAsync())
        {
            var container = new PostgreSqlBuilder("postgres:15-alpine").Build();
            await container.StartAsync();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => container.DisposeAsync().AsTask().GetAwaiter().GetResult();
            server = new TestServer(container.GetConnectionString(), "Testcontainers");
        }
        else
        {
            await RemoveClustersOfEndedRunsAsync();
            var dataDirectory = Path.Combine(Path.GetTempPath(), $"{ClusterPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}");
            var local = await LocalPostgres.StartAsync(new LocalPostgresOptions { DataDirectory = dataDirectory });
            AppDomain.CurrentDomain.ProcessExit += (_, _) => local.DisposeAsync().AsTask().GetAwaiter().GetResult();
            server = new TestServer(local.ConnectionString(), $"local cluster {local.DataDirectory} (PostgreSQL {local.Version})");
        }

        await ExecuteAsync(server.AdminConnectionString, $"""
            DO $roles$
            BEGIN
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'anon') THEN CREATE ROLE anon NOLOGIN NOINHERIT; END IF;
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'authenticated') THEN CREATE ROLE authenticated NOLOGIN NOINHERIT; END IF;
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'service_role') THEN CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS; END IF;
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{AppRole}') THEN
                    CREATE ROLE {AppRole} LOGIN NOINHERIT PASSWORD '{AppPassword}';
                END IF;
            END
            $roles$;
            GRANT anon, authenticated, service_role TO {AppRole};
            """);
        return server;
    }

    /// <summary>
    /// A test host may be ended before its exit handler has deleted the throwaway cluster; the next run removes
    /// the clusters whose process is gone.
    /// </summary>
    private static async Task RemoveClustersOfEndedRunsAsync()
    {
        foreach (var directory in Directory.GetDirectories(Path.GetTempPath(), ClusterPrefix + "*"))
        {
            var pidText = Path.GetFileName(directory)[ClusterPrefix.Length..].Split('-')[0];
            if (int.TryParse(pidText, out var pid) && !ProcessIsAlive(pid))
            {
                await LocalPostgres.DestroyAsync(directory);
            }
        }
    }

    private static bool ProcessIsAlive(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static async Task<bool> DockerEngineAnswersAsync()
    {
        const string socketPath = "/var/run/docker.sock";
        if (!File.Exists(socketPath))
        {
            return false;
        }

        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), timeout.Token);
            await socket.SendAsync("GET /_ping HTTP/1.0\r\n\r\n"u8.ToArray(), SocketFlags.None, timeout.Token);
            var buffer = new byte[256];
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            return Encoding.ASCII.GetString(buffer, 0, read).Contains("200 OK", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or IOException)
        {
            return false;
        }
    }
}
