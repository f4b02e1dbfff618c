using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence;
using Domain.Persistence.Rls;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Domain.IntegrationTests.Security;

/// <summary>
/// Ways one context could end up acting with another caller's claims: two contexts sharing a transaction, a reference
/// kept past <c>Dispose</c>, and command parameters named like the claims statement's. Each is refused or impossible.
/// </summary>
public sealed class ContextSharingTests(MigratedDatabase database) : DatabaseTest(database)
{
    [Fact]
    public async Task ASecondCaller_CannotJoinATransactionCarryingAnotherCallersClaims()
    {
        var (alice, bob) = (await Database.CreateUserAsync(), await Database.CreateUserAsync());
        await Database.SessionWithOneOfEachAsync(alice, "alice's");
        await Database.SessionWithOneOfEachAsync(bob, "bob's");
        await using var first = Database.ContextFor(RlsClaims.ForUser(alice));
        await using var transaction = await first.Database.BeginTransactionAsync();
        Assert.Equal(["alice's"], await first.Sessions.Select(s => s.Title).ToListAsync());

        await using var second = Database.ContextFor(RlsClaims.ForUser(bob));
        second.Database.SetDbConnection(first.Database.GetDbConnection());

        await Assert.ThrowsAsync<RlsContextException>(() => second.Database.UseTransactionAsync(transaction.GetDbTransaction()));
        Assert.Equal(["alice's"], await first.Sessions.Select(s => s.Title).ToListAsync());
        await Assert.ThrowsAsync<RlsContextException>(() => second.Sessions.CountAsync());
    }

    [Fact]
    public async Task TheSameCaller_MayShareATransactionBetweenTwoContexts()
    {
        var alice = await Database.CreateUserAsync();
        await Database.SessionWithOneOfEachAsync(alice, "alice's");
        await using var first = Database.ContextFor(RlsClaims.ForUser(alice));
        await using var transaction = await first.Database.BeginTransactionAsync();
        await using var second = Database.ContextFor(RlsClaims.ForUser(alice));
        second.Database.SetDbConnection(first.Database.GetDbConnection());
        await second.Database.UseTransactionAsync(transaction.GetDbTransaction());

        await second.Sessions.ExecuteUpdateAsync(u => u.SetProperty(s => s.Title, "renamed in the shared transaction"));
        Assert.Equal(["renamed in the shared transaction"], await first.Sessions.Select(s => s.Title).ToListAsync());
        await transaction.CommitAsync();

        Assert.Equal("renamed in the shared transaction", await Database.ScalarAsync<string>("SELECT title FROM public.sessions"));
    }

    [Fact]
    public async Task AReferenceKeptPastDispose_NeverActsForTheNextCaller()
    {
        var (alice, bob) = (await Database.CreateUserAsync(), await Database.CreateUserAsync());
        await Database.SessionWithOneOfEachAsync(bob, "bob's");
        var contexts = Database.OneConnectionContexts("kept-reference");
        try
        {
            var kept = contexts.ForUser(alice);
            Assert.Equal(0, await kept.Sessions.CountAsync());
            await kept.DisposeAsync();

            await using var next = contexts.ForUser(bob);
            Assert.Equal(1, await next.Sessions.CountAsync());

            Assert.NotSame(kept, next);
            await Assert.ThrowsAsync<ObjectDisposedException>(() => kept.Sessions.CountAsync());
        }
        finally
        {
            contexts.ClearPool();
        }
    }

    [Theory]
    [InlineData("__rls_role", "service_role")]
    [InlineData("__rls_sub", "00000000-0000-0000-0000-000000000001")]
    [InlineData("__rls_claims", """{"role":"service_role"}""")]
    public async Task ParametersNamedLikeTheClaims_AreRefused_AndNothingIsSent(string name, string value)
    {
        var alice = await Database.CreateUserAsync();
        await Database.SessionWithOneOfEachAsync(await Database.CreateUserAsync(), "someone else's");
        await using var db = Database.ContextFor(RlsClaims.ForUser(alice));
        var count = "SELECT count(*)::int AS \"Value\" FROM public.sessions WHERE @" + name + " IS NOT NULL";
        var update = "UPDATE public.sessions SET title = 'taken' WHERE @" + name + " IS NOT NULL";

        await Assert.ThrowsAsync<RlsContextException>(() => db.Database.SqlQueryRaw<int>(count, new NpgsqlParameter(name, value)).SingleAsync());
        await Assert.ThrowsAsync<RlsContextException>(() => db.Database.ExecuteSqlRawAsync(update, new NpgsqlParameter(name, value)));

        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.sessions WHERE title = 'taken'"));
    }
}
