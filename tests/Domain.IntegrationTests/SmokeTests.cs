using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence.Rls;
using Domain.Sessions;
using Microsoft.EntityFrameworkCore;

namespace Domain.IntegrationTests;

public sealed class SmokeTests(MigratedDatabase database) : DatabaseTest(database)
{
    [Fact]
    public async Task UserSeesOnlyOwnSessions_AcrossLinqSaveChangesAndRawSql()
    {
        var alice = await Database.CreateUserAsync("alice@example.test");
        var bob = await Database.CreateUserAsync("bob@example.test");
        var now = Clock.GetUtcNow();

        await using (var ctx = Database.ContextFor(RlsClaims.ForUser(alice)))
        {
            var session = Session.Create(alice, "Alice's session", null, now);
            session.AddRevision("""{"v":1}""", "first", now);
            session.AddDraft("print(1)", "python", true, null, now);
            session.ResolveHole("?h1", "42", 0.5, now);
            ctx.Sessions.Add(session);
            await ctx.SaveChangesAsync();
        }

        await using (var ctx = Database.ContextFor(RlsClaims.ForUser(bob)))
        {
            Assert.Empty(await ctx.Sessions.ToListAsync());
            Assert.Equal(0, await ctx.Database.SqlQueryRaw<int>("SELECT count(*)::int AS \"Value\" FROM public.sessions").SingleAsync());
        }

        await using (var ctx = Database.ContextFor(RlsClaims.ForUser(alice)))
        {
            var loaded = await ctx.Sessions.Include(s => s.Revisions).SingleAsync();
            Assert.Equal(1, loaded.RevisionCount);
            Assert.Equal(1, loaded.DraftCount);
            Assert.Equal(1, loaded.HoleCount);
            loaded.AddRevision("""{"v":2}""", "second", now);
            await ctx.SaveChangesAsync();
            Assert.Equal(2, await ctx.SessionRevisions.CountAsync());
            Assert.Equal(1, await ctx.Sessions.Where(s => s.Id == loaded.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.Title, "renamed")));
        }

        await using (var ctx = Database.ContextFor(RlsClaims.Anonymous))
        {
            Assert.Empty(await ctx.Sessions.ToListAsync());
        }

        await using (var ctx = Database.ContextFor(RlsClaims.Service))
        {
            Assert.Equal(2, await ctx.Sessions.Select(s => s.RevisionCount).SingleAsync());
        }
    }
}
