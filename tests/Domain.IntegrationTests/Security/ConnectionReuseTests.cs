using System.Text.Json;
using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence;
using Domain.Persistence.Errors;
using Domain.Persistence.Rls;
using Domain.Sessions;
using Microsoft.EntityFrameworkCore;

namespace Domain.IntegrationTests.Security;

/// <summary>
/// Contexts over a pool of ONE physical connection: the next context gets the connection the previous caller
/// returned, so whatever the previous caller left shows here. Contexts are pooled per caller: a caller may get back
/// the instance it disposed, another caller never does.
/// </summary>
public sealed class ConnectionReuseTests(MigratedDatabase database) : DatabaseTest(database)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ConnectionReturnedByAUser_UsedNextByAnon_ActsAsAnon_AndSeesNoRow(bool disposeAsync)
    {
        var contexts = Database.SingleConnectionContexts();
        var alice = await Database.CreateUserAsync();
        await Database.SessionWithOneOfEachAsync(alice);

        var first = contexts.ForUser(alice);
        Assert.Equal(1, await first.Sessions.CountAsync());
        await ReturnAsync(first, disposeAsync);
        Assert.Same(RlsClaims.Anonymous, first.Claims);

        await using var next = contexts.AsAnon();

        Assert.NotSame(first, next);
        Assert.Same(RlsClaims.Anonymous, next.Claims);
        Assert.Equal(0, await next.Sessions.CountAsync());
        Assert.Equal(0, await next.Database.SqlQueryRaw<int>("SELECT count(*)::int AS \"Value\" FROM public.sessions").SingleAsync());
        SeenClaims.AssertSeen(next, "anon", sub: null);
        Assert.Empty(next.ChangeTracker.Entries());
    }

    [Fact]
    public async Task ConnectionReturnedInsideAUsersTransaction_UsedNextByAnon_SeesNoRow_InOrOutOfATransaction()
    {
        var contexts = Database.SingleConnectionContexts();
        var alice = await Database.CreateUserAsync();
        await Database.SessionWithOneOfEachAsync(alice);

        var first = contexts.ForUser(alice);
        var transaction = await first.Database.BeginTransactionAsync();
        Assert.Equal(1, await first.Sessions.CountAsync());
        await first.DisposeAsync();
        await transaction.DisposeAsync();

        await using var next = contexts.AsAnon();

        Assert.NotSame(first, next);
        Assert.Null(next.Database.CurrentTransaction);
        Assert.Equal(0, await next.Sessions.CountAsync());
        await using var own = await next.Database.BeginTransactionAsync();
        Assert.Equal(0, await next.Sessions.CountAsync());
        SeenClaims.AssertSeen(next, "anon", sub: null);
    }

    [Fact]
    public async Task NextContext_StillSavesInsideATransaction_EvenAfterTheLastCallerTurnedThatOff()
    {
        var contexts = Database.SingleConnectionContexts();
        var alice = await Database.CreateUserAsync();

        var first = contexts.ForUser(alice);
        Assert.Equal(AutoTransactionBehavior.Always, first.Database.AutoTransactionBehavior);
        first.Database.AutoTransactionBehavior = AutoTransactionBehavior.Never;
        await first.DisposeAsync();

        await using var next = contexts.ForUser(alice);

        Assert.Same(first, next);
        Assert.Equal(AutoTransactionBehavior.Always, next.Database.AutoTransactionBehavior);
        next.Sessions.Add(Session.Create(alice, "saved", null, Clock.GetUtcNow()));
        await next.SaveChangesAsync();
        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.sessions WHERE user_id = @u", ("u", alice)));
    }

    [Fact]
    public async Task NextContext_SaveChanges_WritesAsTheNewCaller_NotThePreviousOne()
    {
        var contexts = Database.SingleConnectionContexts();
        var alice = await Database.CreateUserAsync();
        var bob = await Database.CreateUserAsync();
        DomainDbContext first;
        await using (var db = contexts.ForUser(alice))
        {
            first = db;
            db.Sessions.Add(Session.Create(alice, "alice's", null, Clock.GetUtcNow()));
            await db.SaveChangesAsync();
        }

        using (var db = contexts.ForUser(bob))
        {
            Assert.NotSame(first, db);
            Assert.Empty(db.ChangeTracker.Entries());
            Assert.Equal(0, await db.Sessions.CountAsync());
            db.Sessions.Add(Session.Create(bob, "bob's", null, Clock.GetUtcNow()));
            await db.SaveChangesAsync();
            SeenClaims.AssertSeen(db, "authenticated", bob.ToString());

            db.Sessions.Add(Session.Create(alice, "planted by bob", null, Clock.GetUtcNow()));
            await Assert.ThrowsAsync<RlsViolationException>(() => db.SaveChangesAsync());
        }

        Assert.Equal("alice's", await Database.ScalarAsync<string>("SELECT string_agg(title, ',') FROM public.sessions WHERE user_id = @u", ("u", alice)));
        Assert.Equal("bob's", await Database.ScalarAsync<string>("SELECT string_agg(title, ',') FROM public.sessions WHERE user_id = @u", ("u", bob)));
    }

    private static async Task ReturnAsync(DomainDbContext context, bool disposeAsync)
    {
        if (disposeAsync)
        {
            await context.DisposeAsync();
        }
        else
        {
            context.Dispose();
        }
    }

    [Fact]
    public async Task AContextIsHandedBackOnlyToTheCallerThatDisposedIt()
    {
        var contexts = Database.SingleConnectionContexts();
        var (alice, bob) = (await Database.CreateUserAsync(), await Database.CreateUserAsync());

        var first = contexts.ForUser(alice);
        await first.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => first.Sessions.CountAsync());

        await using (var other = contexts.ForUser(bob))
        {
            Assert.NotSame(first, other);
        }

        await using var again = contexts.ForUser(alice);
        Assert.Same(first, again);
        SeenClaims.AssertSeen(again, "authenticated", alice.ToString());
    }

    [Fact]
    public async Task BeyondItsLimit_ThePoolDropsTheCallerUsedLeastRecently_AndDisposesItsContexts()
    {
        var pools = new CallerContextPools(DomainDbContextOptions.Create(Database.AppConnectionString), maxCallers: 2);
        var contexts = new DomainDbContextFactory(pools);
        var users = new[] { await Database.CreateUserAsync(), await Database.CreateUserAsync(), await Database.CreateUserAsync() };
        var first = new List<DomainDbContext>();
        foreach (var user in users)
        {
            await using var db = contexts.ForUser(user);
            Assert.Equal(0, await db.Sessions.CountAsync());
            first.Add(db);
        }

        Assert.Equal(2, pools.CallerCount);
        await using var oldest = contexts.ForUser(users[0]);
        Assert.NotSame(first[0], oldest);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => first[0].Sessions.CountAsync());
        await using var newest = contexts.ForUser(users[2]);
        Assert.Same(first[2], newest);
    }
}
