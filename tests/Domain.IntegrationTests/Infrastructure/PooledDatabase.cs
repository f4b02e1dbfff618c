using Domain.Application;
using Domain.DevDatabase;
using Domain.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Respawn;

namespace Domain.IntegrationTests.Infrastructure;

/// <summary>
/// A migrated database of its own on the test server, and a PgBouncer in transaction mode in front of it with
/// <see cref="ServerConnections"/> server connections per login, started for the "Pooled" collection and stopped after
/// it (a PgBouncer left by a killed run is removed by the next one). Contexts and stores connect through PgBouncer as
/// <see cref="DomainConnectionMode.TransactionPooler"/>; the admin connection goes straight to the server, to arrange
/// data and check what is really stored.
/// </summary>
public sealed class PooledDatabase : IAsyncLifetime
{
    /// <summary>PgBouncer's <c>default_pool_size</c>: few enough that many callers share each server session.</summary>
    public const int ServerConnections = 2;

    private readonly List<LocalPgBouncer> _bouncers = [];
    private Respawner? _respawner;
    private ServiceProvider? _services;

    public TestServer Server { get; private set; } = null!;

    public string DatabaseName { get; private set; } = null!;

    /// <summary>Superuser, straight to the server.</summary>
    public string AdminConnectionString { get; private set; } = null!;

    /// <summary>The application's login role, straight to the server.</summary>
    public string DirectAppConnectionString { get; private set; } = null!;

    /// <summary>The application's login role through PgBouncer.</summary>
    public string PooledAppConnectionString { get; private set; } = null!;

    /// <summary>The schema owner (superuser) through PgBouncer, for running migrations where they must not run.</summary>
    public string PooledAdminConnectionString { get; private set; } = null!;

    /// <summary>The PgBouncer of the collection.</summary>
    public LocalPgBouncer Bouncer { get; private set; } = null!;

    /// <summary>Contexts through PgBouncer, configured as a transaction pooler.</summary>
    public DomainDbContextFactory Contexts { get; private set; } = null!;

    /// <summary>The application layer over <see cref="Contexts"/> (stores, pipeline, validators).</summary>
    public IServiceProvider Services => _services!;

    public async Task InitializeAsync()
    {
        Server = await TestServer.InstanceAsync();
        DatabaseName = TestServer.UniqueDatabaseName("domain_pooled");
        await using (var provisioned = await DatabaseProvisioner.ProvisionAsync(Server.Server, new ProvisionOptions { Database = DatabaseName }))
        {
            AdminConnectionString = provisioned.OwnerConnectionString;
        }

        DirectAppConnectionString = Server.AppConnectionTo(DatabaseName);
        Bouncer = await StartBouncerAsync(ServerConnections);
        PooledAppConnectionString = WithPoolName(Bouncer.Route(DirectAppConnectionString), "pooled-app");
        PooledAdminConnectionString = WithPoolName(Bouncer.Route(AdminConnectionString), "pooled-admin");

        Contexts = new DomainDbContextFactory(DomainDbContextOptions.Create(PooledAppConnectionString, DomainConnectionMode.TransactionPooler));
        _services = new ServiceCollection().AddSingleton(Contexts).AddDomainApplication().BuildServiceProvider();

        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        _respawner = await Respawner.CreateAsync(connection, new RespawnerOptions
        {
            DbAdapter = DbAdapter.Postgres,
            SchemasToInclude = ["public", "auth"],
        });
    }

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        NpgsqlConnection.ClearAllPools();
        foreach (var bouncer in _bouncers)
        {
            await bouncer.DisposeAsync();
        }

        if (DatabaseName is not null)
        {
            await Server.DropDatabaseAsync(DatabaseName);
        }
    }

    /// <summary>
    /// Another PgBouncer in front of the same server, stopped with the collection: for a test that leaves state on its
    /// server sessions, or needs exactly one of them.
    /// </summary>
    public async Task<LocalPgBouncer> StartBouncerAsync(int serverConnections, bool resetAfterEveryTransaction = false)
    {
        var server = new NpgsqlConnectionStringBuilder(AdminConnectionString);
        var bouncer = await LocalPgBouncer.StartAsync(new LocalPgBouncerOptions
        {
            ServerHost = server.Host!,
            ServerPort = server.Port,
            DefaultPoolSize = serverConnections,
            ResetAfterEveryTransaction = resetAfterEveryTransaction,
            Logins = new Dictionary<string, string>
            {
                [server.Username!] = server.Password ?? string.Empty,
                [AppLoginRole.Name] = AppLoginRole.DevPassword,
            },
        });
        _bouncers.Add(bouncer);
        return bouncer;
    }

    /// <summary>
    /// The settings the HTTP API (tools/Domain.Api, on the aspnetcore branch) would run with through this PgBouncer: the
    /// place for a test of the API behind a transaction pooler once it is on main.
    /// </summary>
    public IReadOnlyDictionary<string, string?> ApiSettings() => new Dictionary<string, string?>
    {
        [$"ConnectionStrings:{DomainPersistenceOptions.ConnectionStringName}"] = PooledAppConnectionString,
        [$"{DomainPersistenceOptions.SectionName}:{nameof(DomainPersistenceOptions.ConnectionMode)}"] = nameof(DomainConnectionMode.TransactionPooler),
    };

    /// <summary>Empties every table of <c>public</c> and <c>auth</c> with triggers off (the audit trail refuses TRUNCATE); the migration history stays.</summary>
    public Task ResetAsync() => DatabaseReset.WithTriggersOffAsync(_respawner!, AdminConnectionString);

    /// <summary>Creates a user in <c>auth.users</c>, as Supabase Auth would, and returns their id.</summary>
    public async Task<Guid> CreateUserAsync()
    {
        var id = Guid.CreateVersion7();
        await TestServer.ScalarAsync<object>(AdminConnectionString, "INSERT INTO auth.users (id, email) VALUES (@id, @email)", ("id", id), ("email", $"{id:N}@example.test"));
        return id;
    }

    /// <summary>Runs <paramref name="sql"/> as the superuser, straight to the server, and returns the first column of the first row.</summary>
    public Task<T?> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
        => TestServer.ScalarAsync<T>(AdminConnectionString, sql, parameters);

    /// <summary>A copy of <paramref name="connectionString"/> with its own Npgsql pool (the application name keys the pools).</summary>
    public static string WithPoolName(string connectionString, string poolName)
        => new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = poolName }.ConnectionString;
}

[CollectionDefinition(Name)]
public sealed class PooledCollection : ICollectionFixture<PooledDatabase>
{
    public const string Name = "Pooled";
}
