using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence;
using Domain.Persistence.Rls;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Domain.IntegrationTests.Security;

/// <summary>Pooled contexts after a connection broke under them: the next caller's transaction starts clean, with its own claims.</summary>
public sealed class ConnectionFailureTests(MigratedDatabase database) : DatabaseTest(database)
{
    [Fact]
    public async Task BeginTransaction_AfterTheConnectionBrokeWhileTheClaimsWereSent_StartsCleanlyOnThePooledContext()
    {
        await using var proxy = StartProxy();
        var contexts = ContextsThrough(proxy);
        var alice = Guid.CreateVersion7();
        var bob = Guid.CreateVersion7();

        Assert.Equal(("authenticated", alice), await RoleAndUserInTransactionAsync(contexts, RlsClaims.ForUser(alice)));

        // The connection breaks under the claims statement's second use, the one Npgsql prepares automatically.
        proxy.GoDown();
        proxy.ComeBack();
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => RoleAndUserInTransactionAsync(contexts, RlsClaims.ForUser(alice)));

        Assert.Equal(("authenticated", bob), await RoleAndUserInTransactionAsync(contexts, RlsClaims.ForUser(bob)));
        Assert.Equal(("service_role", (Guid?)null), await RoleAndUserInTransactionAsync(contexts, RlsClaims.Service));
    }

    [Fact]
    public async Task EfQuery_AfterTheConnectionBrokeWhileItWasPrepared_RunsCleanlyOnThePooledContext()
    {
        await using var proxy = StartProxy();
        var contexts = ContextsThrough(proxy);
        var alice = await Database.CreateUserAsync();
        var bob = await Database.CreateUserAsync();
        var aliceSession = await Database.SessionWithOneOfEachAsync(alice, "alice");
        var bobSession = await Database.SessionWithOneOfEachAsync(bob, "bob");

        Assert.Equal([aliceSession.Id], await SessionIdsAsync(contexts, alice));

        // The second use of the same SQL is the one Npgsql prepares automatically; the connection breaks under it.
        proxy.GoDown();
        proxy.ComeBack();
        var broken = await Assert.ThrowsAnyAsync<Exception>(() => SessionIdsAsync(contexts, alice));
        Assert.IsAssignableFrom<NpgsqlException>(broken as NpgsqlException ?? broken.InnerException);

        Assert.Equal([bobSession.Id], await SessionIdsAsync(contexts, bob));
        Assert.Equal([aliceSession.Id], await SessionIdsAsync(contexts, alice));
        Assert.Equal([bobSession.Id], SessionIds(contexts, bob));
    }

    private FaultyTcpProxy StartProxy()
    {
        var server = new NpgsqlConnectionStringBuilder(Database.AdminConnectionString);
        return FaultyTcpProxy.Start(server.Host!, server.Port);
    }

    /// <summary>Contexts whose connections go through <paramref name="proxy"/>, in a pool of their own.</summary>
    private DomainDbContextFactory ContextsThrough(FaultyTcpProxy proxy)
        => new(DomainDbContextOptions.Create(proxy.Route(Database.AppConnectionString, $"connection-failure-test-{Guid.NewGuid():N}")));

    private static async Task<List<Guid>> SessionIdsAsync(DomainDbContextFactory contexts, Guid user)
    {
        await using var db = contexts.ForUser(user);
        return await db.Sessions.Select(s => s.Id).ToListAsync();
    }

    private static List<Guid> SessionIds(DomainDbContextFactory contexts, Guid user)
    {
        using var db = contexts.ForUser(user);
        return [.. db.Sessions.Select(s => s.Id)];
    }

    private static async Task<(string Role, Guid? User)> RoleAndUserInTransactionAsync(DomainDbContextFactory contexts, RlsClaims claims)
    {
        await using var db = contexts.For(claims);
        await using var transaction = await db.Database.BeginTransactionAsync();
        await using var command = new NpgsqlCommand(
            "SELECT current_user::text, auth.uid()",
            (NpgsqlConnection)db.Database.GetDbConnection(),
            (NpgsqlTransaction)transaction.GetDbTransaction());
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetGuid(1));
    }
}
