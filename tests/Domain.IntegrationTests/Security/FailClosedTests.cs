using System.Transactions;
using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence;
using Domain.Persistence.Rls;
using Domain.Sessions;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Domain.IntegrationTests.Security;

/// <summary>What cannot carry claims safely is refused before anything is sent; missing identity means no rows.</summary>
public sealed class FailClosedTests(MigratedDatabase database) : DatabaseTest(database)
{
    [Fact]
    public async Task AmbientTransactionScope_IsRefused_AndNothingIsWritten()
    {
        var alice = await Database.CreateUserAsync();

        var ex = await Assert.ThrowsAsync<RlsContextException>(async () =>
        {
            using var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled);
            await using var db = Database.ContextFor(RlsClaims.ForUser(alice));
            db.Sessions.Add(Session.Create(alice, "in a scope", null, Clock.GetUtcNow()));
            await db.SaveChangesAsync();
            scope.Complete();
        });

        Assert.Contains("TransactionScope", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.sessions"));
    }

    [Fact]
    public async Task AmbientTransactionScope_RefusesQueriesToo()
    {
        var alice = await Database.CreateUserAsync();
        using var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled);
        await using var db = Database.ContextFor(RlsClaims.ForUser(alice));

        await Assert.ThrowsAsync<RlsContextException>(() => db.Sessions.ToListAsync());
    }

    [Fact]
    public async Task SaveChangesOutsideATransaction_IsRefused_AndNothingIsWritten()
    {
        var alice = await Database.CreateUserAsync();
        await using var db = Database.ContextFor(RlsClaims.ForUser(alice));
        db.Database.AutoTransactionBehavior = AutoTransactionBehavior.Never;
        db.Sessions.Add(Session.Create(alice, "no transaction", null, Clock.GetUtcNow()));

        await Assert.ThrowsAsync<RlsContextException>(() => db.SaveChangesAsync());

        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.sessions"));
    }

    [Fact]
    public void MultiplexingConnectionString_IsRefusedAtStartup()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => DomainDbContextOptions.Create(Database.AppConnectionString + ";Multiplexing=true"));
        Assert.Contains("Multiplexing", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Host=db;Password=CHANGE_ME")]
    public void MissingOrPlaceholderConnectionString_IsRefusedAtStartup(string connectionString)
    {
        Assert.Throws<InvalidOperationException>(() => DomainDbContextOptions.Create(connectionString));
    }

    [Fact]
    public async Task ContextWithoutIdentity_ActsAsAnon_AndSeesNoRows()
    {
        var alice = await Database.CreateUserAsync();
        await Database.SessionWithOneOfEachAsync(alice);

        await using var db = ((IDbContextFactory<DomainDbContext>)Database.Contexts).CreateDbContext();

        Assert.Equal(RlsClaims.AnonRole, db.Claims.Role);
        Assert.Empty(await db.Sessions.ToListAsync());
        Assert.Empty(await db.SessionRevisions.ToListAsync());
        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.sessions"));
    }

    [Fact]
    public async Task LoginRoleWithoutClaims_ReachesNothing()
    {
        await using var connection = new NpgsqlConnection(Database.AppConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM public.sessions", connection);

        var ex = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteScalarAsync());

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
    }

    [Fact]
    public async Task AuthenticatedRoleWithoutSub_SeesNoRows()
    {
        var alice = await Database.CreateUserAsync();
        await Database.SessionWithOneOfEachAsync(alice);

        await using var db = Database.ContextFor(RlsClaims.FromJwtPayload($$"""{"role":"authenticated","sub":"{{Guid.NewGuid()}}"}"""));

        Assert.Empty(await db.Sessions.ToListAsync());
    }
}
