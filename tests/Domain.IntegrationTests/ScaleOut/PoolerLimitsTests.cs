using Domain.DevDatabase;
using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence;
using Domain.Persistence.MigrationSafety;
using Domain.Persistence.Rls;
using Domain.Sessions;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Domain.IntegrationTests.ScaleOut;

/// <summary>
/// What cannot work behind a transaction pooler, through a real PgBouncer: prepared statements (so the connection mode
/// must say so), session-level state (which the claims statement overrides, and which only the pooler can reset), and
/// the migrations' session-level lock (refused, whether or not the setting says so).
/// </summary>
[Collection(PooledCollection.Name)]
public sealed class PoolerLimitsTests(PooledDatabase database) : IAsyncLifetime
{
    public Task InitializeAsync() => database.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task AsDirect_BehindPgBouncer_AStatementPreparedInOneTransactionIsMissingInTheNext()
    {
        var failure = await Assert.ThrowsAsync<PostgresException>(() => ReadWhileAnotherClientHoldsTheLastServerSessionAsync(DomainConnectionMode.Direct));

        Assert.Equal(PostgresErrorCodes.InvalidSqlStatementName, failure.SqlState);
    }

    [Fact]
    public async Task AsTransactionPooler_BehindPgBouncer_TheSameReadsWork()
    {
        Assert.Equal(3, await ReadWhileAnotherClientHoldsTheLastServerSessionAsync(DomainConnectionMode.TransactionPooler));
    }

    [Fact]
    public async Task SessionStateThatRawSqlLeaves_ReachesTheNextClient_ButNeverAContextsClaims()
    {
        var (alice, bob) = (await database.CreateUserAsync(), await database.CreateUserAsync());
        await AddSessionAsync(alice, "alice's");
        await AddSessionAsync(bob, "bob's");
        await using var bouncer = await database.StartBouncerAsync(serverConnections: 1);
        var pooled = bouncer.Route(database.DirectAppConnectionString);

        await LeaveBobsIdentityAtSessionLevelAsync(PooledDatabase.WithPoolName(pooled, "leaves-state"), bob);

        // Raw SQL on another client, with no claims of its own, runs as what was left: Npgsql cannot reset a server
        // session a pooler hands from client to client (README, Security).
        Assert.Equal(("authenticated", bob.ToString()), await RawIdentityAsync(PooledDatabase.WithPoolName(pooled, "raw-next")));

        var contexts = new DomainDbContextFactory(DomainDbContextOptions.Create(
            PooledDatabase.WithPoolName(pooled, "contexts-next"), DomainConnectionMode.TransactionPooler));
        await using (var db = contexts.ForUser(alice))
        {
            Assert.Equal(["alice's"], await db.Sessions.Select(s => s.Title).ToListAsync());
        }

        await using (var db = contexts.AsAnon())
        {
            Assert.Empty(await db.Sessions.ToListAsync());
        }

        await using (var db = contexts.ForUser(alice))
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            Assert.Equal(["alice's"], await db.Sessions.Select(s => s.Title).ToListAsync());
        }
    }

    [Fact]
    public async Task WithPgBouncerResettingAfterEveryTransaction_NothingRawSqlLeavesReachesTheNextClient()
    {
        var bob = await database.CreateUserAsync();
        await using var bouncer = await database.StartBouncerAsync(serverConnections: 1, resetAfterEveryTransaction: true);
        var pooled = bouncer.Route(database.DirectAppConnectionString);

        await LeaveBobsIdentityAtSessionLevelAsync(PooledDatabase.WithPoolName(pooled, "leaves-state"), bob);

        Assert.Equal((AppLoginRole.Name, string.Empty), await RawIdentityAsync(PooledDatabase.WithPoolName(pooled, "raw-next")));
    }

    [Fact]
    public async Task Migrations_ThroughPgBouncerConfiguredAsTransactionPooler_AreRefusedBeforeAnythingChanges()
    {
        await using var scratch = await ScratchDatabase.CreateAsync("pooled_migrate");
        await using var context = MigrationsDbContextFactory.Create(
            database.Bouncer.Route(scratch.ConnectionString), connectionMode: DomainConnectionMode.TransactionPooler);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => context.Database.MigrateAsync());

        Assert.Contains("Domain:Persistence:ConnectionMode", refused.Message, StringComparison.Ordinal);
        Assert.Null(await scratch.ScalarAsync<string>("SELECT to_regnamespace('domain_ops')::text"));
    }

    [Fact]
    public async Task Migrations_ThroughPgBouncerNotNamedByTheSetting_AreSeenAndRefusedBeforeAnythingChanges()
    {
        Assert.Null(DomainPersistenceOptions.ConnectionModeFromEnvironment());
        await using var scratch = await ScratchDatabase.CreateAsync("pooled_migrate");
        await using var context = MigrationsDbContextFactory.Create(database.Bouncer.Route(scratch.ConnectionString));

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => context.Database.MigrateAsync());

        Assert.Contains("moved between server sessions", refused.Message, StringComparison.Ordinal);
        Assert.Null(await scratch.ScalarAsync<string>("SELECT to_regnamespace('domain_ops')::text"));
        Assert.Equal(0L, await scratch.ScalarAsync<long>(
            $"SELECT count(*) FROM pg_catalog.pg_locks WHERE locktype = 'advisory' AND ((classid::bigint << 32) | objid::bigint) = {MigrationRunLock.Key}"));
    }

    /// <summary>
    /// Reads one session three times through one client connection of a PgBouncer with two server sessions; before the
    /// third read another client holds the server session the first two ran on (PgBouncer hands out the one released
    /// last), so the third runs on the other. Returns how many reads succeeded.
    /// </summary>
    private async Task<int> ReadWhileAnotherClientHoldsTheLastServerSessionAsync(DomainConnectionMode mode)
    {
        var alice = await database.CreateUserAsync();
        var id = await AddSessionAsync(alice, "alice's");
        await using var bouncer = await database.StartBouncerAsync(serverConnections: 2);
        var contexts = new DomainDbContextFactory(DomainDbContextOptions.Create(
            PooledDatabase.WithPoolName(bouncer.Route(database.DirectAppConnectionString), $"three-reads-{mode}") + ";Maximum Pool Size=1", mode));

        var reads = 0;
        for (var i = 0; i < 2; i++)
        {
            await using var db = contexts.ForUser(alice);
            reads += await db.Sessions.CountAsync(s => s.Id == id);
        }

        await using var holder = new NpgsqlConnection(PooledDatabase.WithPoolName(bouncer.Route(database.DirectAppConnectionString), "holder"));
        await holder.OpenAsync();
        await using var held = await holder.BeginTransactionAsync();
        await using (var select = new NpgsqlCommand("SELECT 1", holder, held))
        {
            await select.ExecuteScalarAsync();
        }

        await using (var db = contexts.ForUser(alice))
        {
            reads += await db.Sessions.CountAsync(s => s.Id == id);
        }

        return reads;
    }

    private async Task<Guid> AddSessionAsync(Guid user, string title)
    {
        await using var db = database.Contexts.ForUser(user);
        var session = Session.Create(user, title, null, TimeProvider.System.GetUtcNow());
        db.Sessions.Add(session);
        await db.SaveChangesAsync();
        return session.Id;
    }

    /// <summary>Raw SQL that breaks the README's rule: bob's claims and role set at session level, left on the server session.</summary>
    private static async Task LeaveBobsIdentityAtSessionLevelAsync(string connectionString, Guid bob)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT pg_catalog.set_config('request.jwt.claims', @claims, false), pg_catalog.set_config('request.jwt.claim.sub', @sub, false);
            SET ROLE authenticated
            """, connection);
        command.Parameters.AddWithValue("claims", RlsClaims.ForUser(bob).Json);
        command.Parameters.AddWithValue("sub", bob.ToString());
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<(string Role, string Subject)> RawIdentityAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT current_user::text, coalesce(current_setting('request.jwt.claim.sub', true), '')", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetString(0), reader.GetString(1));
    }
}
