using Domain.Application;
using Domain.DevDatabase;
using Domain.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;
using Respawn;

namespace Domain.IntegrationTests.Infrastructure;

/// <summary>
/// A primary and a streaming hot standby on loopback, for the "Replicated" collection: a throwaway cluster of its own
/// (the tests stop and start it, which the shared test server must never be), provisioned as the tests' database is,
/// then copied with <c>pg_basebackup -R</c> and started as a standby; both stopped and deleted after the collection (a
/// killed run's are removed by the next one). Needs the local PostgreSQL binaries even when the other tests use a
/// configured server.
/// </summary>
public sealed class ReplicatedDatabase : IAsyncLifetime
{
    private const string DatabaseName = "domain_replicated";
    private static readonly TimeSpan CatchUpTimeout = TimeSpan.FromSeconds(30);

    private ProvisionedDatabase? _provisioned;
    private LocalPostgres? _standby;
    private Respawner? _respawner;
    private int _factories;

    /// <summary>The primary's cluster (stopped and started again by tests).</summary>
    public LocalPostgres Primary => _provisioned!.Server.LocalCluster!;

    /// <summary>The standby's cluster.</summary>
    public LocalPostgres Standby => _standby!;

    public string PrimaryAdminConnectionString { get; private set; } = null!;

    public string PrimaryAppConnectionString { get; private set; } = null!;

    public string StandbyAdminConnectionString { get; private set; } = null!;

    public string StandbyAppConnectionString { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _provisioned = await DatabaseProvisioner.ProvisionAsync(
            [LocalClusterSource.Throwaway("domain-replica-primary-")],
            new ProvisionOptions { Database = DatabaseName });
        PrimaryAdminConnectionString = _provisioned.OwnerConnectionString;
        PrimaryAppConnectionString = AppLoginRole.ConnectionStringFor(PrimaryAdminConnectionString);

        _standby = await Primary.StartStandbyAsync("domain-replica-standby-");
        StandbyAdminConnectionString = _standby.ConnectionString(DatabaseName);
        StandbyAppConnectionString = AppLoginRole.ConnectionStringFor(StandbyAdminConnectionString);

        await using var connection = new NpgsqlConnection(PrimaryAdminConnectionString);
        await connection.OpenAsync();
        _respawner = await Respawner.CreateAsync(connection, new RespawnerOptions
        {
            DbAdapter = DbAdapter.Postgres,
            SchemasToInclude = ["public", "auth"],
        });
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_standby is not null)
        {
            await _standby.DisposeAsync();
        }

        if (_provisioned is not null)
        {
            await _provisioned.DisposeAsync();
        }
    }

    /// <summary>
    /// A factory of its own: contexts on the primary, read-only contexts on <paramref name="replicaConnectionString"/>
    /// (default: the standby) waiting at most <paramref name="readYourWritesWait"/> for a caller's write. Its
    /// read-your-writes bookkeeping holds no other test's writes, and its connection pools are its own (the application
    /// name keys them): a test that stops a server leaves connections the server closed in its own pools only (EF's Npgsql
    /// pools are data sources that <c>NpgsqlConnection.ClearAllPools</c> does not reach; each such connection fails one
    /// command, transiently, before Npgsql drops it).
    /// </summary>
    public DomainDbContextFactory NewContexts(TimeSpan readYourWritesWait, string? replicaConnectionString = null)
    {
        var pool = $"replica-tests-{Interlocked.Increment(ref _factories)}";
        return new(
            DomainDbContextOptions.Create(PooledDatabase.WithPoolName(PrimaryAppConnectionString, pool)),
            DomainDbContextOptions.Create(PooledDatabase.WithPoolName(replicaConnectionString ?? StandbyAppConnectionString, pool)),
            readYourWritesWait);
    }

    /// <summary>The application layer over <paramref name="contexts"/>.</summary>
    public static ServiceProvider ApplicationOver(DomainDbContextFactory contexts)
        => new ServiceCollection().AddSingleton(contexts).AddDomainApplication().BuildServiceProvider();

    /// <summary>Empties the primary's tables (triggers off: the audit trail refuses TRUNCATE), lets replay run again, and waits until the standby has caught up.</summary>
    public async Task ResetAsync()
    {
        await ResumeReplayAsync();
        await DatabaseReset.WithTriggersOffAsync(_respawner!, PrimaryAdminConnectionString);

        await CaughtUpAsync();
    }

    /// <summary>Creates a user in <c>auth.users</c> on the primary and returns their id.</summary>
    public async Task<Guid> CreateUserAsync()
    {
        var id = Guid.CreateVersion7();
        await TestServer.ScalarAsync<object>(PrimaryAdminConnectionString, "INSERT INTO auth.users (id, email) VALUES (@id, @email)", ("id", id), ("email", $"{id:N}@example.test"));
        return id;
    }

    /// <summary>
    /// Runs <paramref name="read"/> until it succeeds, at most <paramref name="attempts"/> times, failing on the first error
    /// that is not transient: after a server stopped, each pooled connection it closed fails one command before Npgsql
    /// replaces it.
    /// </summary>
    public static async Task<T> AfterTransientFailuresAsync<T>(Func<Task<T>> read, int attempts = 5)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await read();
            }
            catch (Exception ex) when (attempt < attempts && Persistence.Errors.DatabaseErrorTranslator.IsTransient(ex))
            {
            }
        }
    }

    /// <summary>Waits until the standby has replayed everything the primary has written so far.</summary>
    public async Task CaughtUpAsync()
    {
        var target = await TestServer.ScalarAsync<NpgsqlLogSequenceNumber>(PrimaryAdminConnectionString, "SELECT pg_catalog.pg_current_wal_insert_lsn()");
        using var timeout = new CancellationTokenSource(CatchUpTimeout);
        while (true)
        {
            var replayed = await TestServer.ScalarAsync<NpgsqlLogSequenceNumber?>(StandbyAdminConnectionString, "SELECT pg_catalog.pg_last_wal_replay_lsn()");
            if (replayed >= target)
            {
                return;
            }

            await Task.Delay(10, timeout.Token);
        }
    }

    /// <summary>The standby stops applying WAL (it still receives it), so it falls behind every write from now on.</summary>
    public Task PauseReplayAsync() => TestServer.ExecuteAsync(StandbyAdminConnectionString, "SELECT pg_catalog.pg_wal_replay_pause()");

    public Task ResumeReplayAsync() => TestServer.ExecuteAsync(StandbyAdminConnectionString, "SELECT pg_catalog.pg_wal_replay_resume()");
}

[CollectionDefinition(Name)]
public sealed class ReplicatedCollection : ICollectionFixture<ReplicatedDatabase>
{
    public const string Name = "Replicated";
}
