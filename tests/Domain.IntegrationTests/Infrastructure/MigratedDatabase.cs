using Domain.DevDatabase;
using Domain.Persistence;
using Domain.Persistence.Rls;
using Npgsql;
using Respawn;

namespace Domain.IntegrationTests.Infrastructure;

/// <summary>
/// A database provisioned once per run (created, migrated with the migrator the bundle ships, the login role ready),
/// shared by the "Database" collection.
/// Tests call <see cref="ResetAsync"/> first: Respawn empties the data and keeps the migration history.
/// </summary>
public sealed class MigratedDatabase : IAsyncLifetime
{
    private Respawner? _respawner;

    public TestServer Server { get; private set; } = null!;

    public string DatabaseName { get; private set; } = null!;

    /// <summary>Superuser connection: the schema owner's view, for arranging data and checking what is really stored.</summary>
    public string AdminConnectionString { get; private set; } = null!;

    /// <summary>The application's login role, which owns nothing and reaches rows only through the claims.</summary>
    public string AppConnectionString { get; private set; } = null!;

    public DomainDbContextFactory Contexts { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await TestServer.InstanceAsync();
        DatabaseName = TestServer.UniqueDatabaseName("domain_tests");
        await using var provisioned = await DatabaseProvisioner.ProvisionAsync(Server.Server, new ProvisionOptions { Database = DatabaseName });
        AdminConnectionString = provisioned.OwnerConnectionString;

        // The form the tests always had, not provisioned.AppConnectionString: it spells out No Reset On Close=false,
        // which the data layer's tuning respects, so no test changes what it runs against.
        AppConnectionString = Server.AppConnectionTo(DatabaseName);

        Contexts = new DomainDbContextFactory(DomainDbContextOptions.Create(AppConnectionString));

        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        _respawner = await Respawner.CreateAsync(connection, new RespawnerOptions
        {
            DbAdapter = DbAdapter.Postgres,

            // domain_ops for the deletion queue; its migration bookkeeping stays.
            SchemasToInclude = ["public", "auth", DatabaseSchemas.Operations],
            TablesToIgnore =
            [
                new Respawn.Graph.Table(DatabaseSchemas.Operations, DatabaseSchemas.MigrationsHistoryTable),
                new Respawn.Graph.Table(DatabaseSchemas.Operations, "migration_logs"),
            ],
        });
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (DatabaseName is not null)
        {
            await Server.DropDatabaseAsync(DatabaseName);
        }
    }

    /// <summary>
    /// Empties every table of <c>public</c> and <c>auth</c>, and the deletion queue; the migration history and log stay.
    /// The audit trail refuses TRUNCATE to everyone and records it on audited tables, so the reset runs with triggers off
    /// (<c>session_replication_role = replica</c>, a superuser's setting, for this connection only).
    /// </summary>
    public Task ResetAsync() => DatabaseReset.WithTriggersOffAsync(_respawner!, AdminConnectionString);

    /// <summary>A context acting for <paramref name="claims"/> from the shared factory.</summary>
    public DomainDbContext ContextFor(RlsClaims claims) => Contexts.For(claims);

    /// <summary>
    /// Contexts over a pool of ONE physical connection of the app role, so that consecutive contexts share it and
    /// whatever one leaves on it, the next sees. <paramref name="poolName"/> (the application name, which keys
    /// Npgsql's pools) gives a test a pool no other test shares.
    /// </summary>
    public DomainDbContextFactory SingleConnectionContexts(bool noResetOnClose = true, string? poolName = null)
    {
        var connectionString = Server.AppConnectionTo(DatabaseName, maxPoolSize: 1, noResetOnClose: noResetOnClose);
        return new(DomainDbContextOptions.Create(poolName is null ? connectionString : $"{connectionString};Application Name={poolName}"));
    }

    /// <summary>Creates a user in <c>auth.users</c>, as Supabase Auth would, and returns their id.</summary>
    public async Task<Guid> CreateUserAsync(string? email = null)
    {
        var id = Guid.CreateVersion7();
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("INSERT INTO auth.users (id, email) VALUES (@id, @email)", connection);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("email", (object?)email ?? $"{id:N}@example.test");
        await command.ExecuteNonQueryAsync();
        return id;
    }

    /// <summary>Runs <paramref name="sql"/> as the superuser and returns the first column of the first row.</summary>
    public Task<T?> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
        => TestServer.ScalarAsync<T>(AdminConnectionString, sql, parameters);
}

[CollectionDefinition(Name)]
public sealed class DatabaseCollection : ICollectionFixture<MigratedDatabase>
{
    public const string Name = "Database";
}

/// <summary>Base for tests in the shared database: resets the data before each test.</summary>
[Collection(DatabaseCollection.Name)]
public abstract class DatabaseTest : IAsyncLifetime
{
    protected DatabaseTest(MigratedDatabase database)
    {
        Database = database;
    }

    protected MigratedDatabase Database { get; }

    protected static TimeProvider Clock => TimeProvider.System;

    public virtual Task InitializeAsync() => Database.ResetAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;
}
