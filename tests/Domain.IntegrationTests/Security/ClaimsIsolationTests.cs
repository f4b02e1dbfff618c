using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence;
using Domain.Persistence.Rls;
using Domain.Sessions;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Domain.IntegrationTests.Security;

/// <summary>
/// Users interleaved on ONE physical connection: the claims of one context must never be visible to the next,
/// whatever EF sent (LINQ, SaveChanges batches, ExecuteUpdate/Delete, raw SQL, explicit transactions).
/// </summary>
public sealed class ClaimsIsolationTests(MigratedDatabase database) : DatabaseTest(database)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task InterleavedUsersOnOneConnection_EachSeesOnlyTheirOwnClaimsAndRows(bool noResetOnClose)
    {
        var contexts = Database.SingleConnectionContexts(noResetOnClose);
        var alice = await Database.CreateUserAsync("alice@example.test");
        var bob = await Database.CreateUserAsync("bob@example.test");
        var aliceSession = await Database.SessionWithOneOfEachAsync(alice, "alice");
        var bobSession = await Database.SessionWithOneOfEachAsync(bob, "bob");
        var now = Clock.GetUtcNow();

        // LINQ, async and sync.
        int backend;
        await using (var db = contexts.ForUser(alice))
        {
            Assert.Equal([aliceSession.Id], await db.Sessions.Select(s => s.Id).ToListAsync());
            backend = await db.Database.SqlQueryRaw<int>("SELECT pg_backend_pid() AS \"Value\"").SingleAsync();
        }

        using (var db = contexts.ForUser(bob))
        {
            Assert.Equal([bobSession.Id], db.Sessions.Select(s => s.Id).ToList());
            SeenClaims.AssertSeen(db, "authenticated", bob.ToString());
        }

        // A mixed SaveChanges batch: insert + update + delete.
        await using (var db = contexts.ForUser(alice))
        {
            var session = await db.Sessions.Include(s => s.Drafts).SingleAsync();
            session.AddRevision("""{"step":2}""", null, now);
            session.Retitle("alice renamed", null);
            db.Remove(session.Drafts.Single());
            await db.SaveChangesAsync();
            SeenClaims.AssertSeen(db, "authenticated", alice.ToString());
        }

        await using (var db = contexts.AsAnon())
        {
            Assert.Equal(0, await db.Sessions.CountAsync());
            SeenClaims.AssertSeen(db, "anon", sub: null);
        }

        // ExecuteUpdate / ExecuteDelete outside a transaction.
        await using (var db = contexts.ForUser(bob))
        {
            Assert.Equal(0, await db.Sessions.Where(s => s.Id == aliceSession.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.Title, "hijacked")));
            Assert.Equal(0, await db.SessionDrafts.Where(d => d.SessionId == aliceSession.Id).ExecuteDeleteAsync());
            Assert.Equal(1, db.Sessions.Where(s => s.Id == bobSession.Id).ExecuteUpdate(u => u.SetProperty(s => s.Title, "bob renamed")));
        }

        // Raw SQL, then the service role, then raw SQL again as a user.
        await using (var db = contexts.AsServiceRole())
        {
            Assert.Equal(2, await db.Database.SqlQueryRaw<int>("SELECT count(*)::int AS \"Value\" FROM public.sessions").SingleAsync());
            SeenClaims.AssertSeen(db, "service_role", sub: null);
        }

        await using (var db = contexts.ForUser(alice))
        {
            Assert.Equal(["alice renamed"], await db.Database.SqlQueryRaw<string>("SELECT title AS \"Value\" FROM public.sessions").ToListAsync());
            Assert.Equal(0, await db.Database.ExecuteSqlRawAsync("UPDATE public.sessions SET title = 'x' WHERE user_id = {0}", bob));
        }

        // Explicit transactions, committed and rolled back.
        await using (var db = contexts.ForUser(bob))
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            Assert.Equal(1, await db.Sessions.CountAsync());
            var session = await db.Sessions.SingleAsync();
            session.ResolveHole("?h2", "1", 0.1, now);
            await db.SaveChangesAsync();
            SeenClaims.AssertSeen(db, "authenticated", bob.ToString());
            await transaction.CommitAsync();
        }

        using (var db = contexts.ForUser(alice))
        {
            using var transaction = db.Database.BeginTransaction();
            db.Sessions.Single().Retitle("never committed", null);
            db.SaveChanges();
            transaction.Rollback();
            SeenClaims.AssertSeen(db, "authenticated", alice.ToString());
        }

        Assert.Equal("alice renamed", await Database.ScalarAsync<string>("SELECT title FROM public.sessions WHERE id = @id", ("id", aliceSession.Id)));
        Assert.Equal("bob renamed", await Database.ScalarAsync<string>("SELECT title FROM public.sessions WHERE id = @id", ("id", bobSession.Id)));
        Assert.Equal(2, await Database.ScalarAsync<int>("SELECT revision_count FROM public.sessions WHERE id = @id", ("id", aliceSession.Id)));

        // Nothing session-level is left on the physical connection for whoever uses it next. The probe goes past EF
        // on a context's own connection: EF keeps its own pool (a data source with the enum mappings), so a plain
        // NpgsqlConnection with the same string would be another physical connection.
        await using var next = contexts.AsAnon();
        var raw = (NpgsqlConnection)next.Database.GetDbConnection();
        await raw.OpenAsync();
        await using var probe = new NpgsqlCommand(
            "SELECT coalesce(current_setting('request.jwt.claims', true), ''), current_user::text, pg_backend_pid()", raw);
        await using var reader = await probe.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(string.Empty, reader.GetString(0));
        Assert.Equal(TestServer.AppRole, reader.GetString(1));
        Assert.Equal(backend, reader.GetInt32(2));
    }

    [Fact]
    public async Task OnePhysicalConnection_IsReallySharedByTheContexts()
    {
        var contexts = Database.SingleConnectionContexts(noResetOnClose: true);
        var alice = await Database.CreateUserAsync();
        int first, second;
        await using (var db = contexts.ForUser(alice))
        {
            first = await db.Database.SqlQueryRaw<int>("SELECT pg_backend_pid() AS \"Value\"").SingleAsync();
        }

        await using (var db = contexts.AsAnon())
        {
            second = await db.Database.SqlQueryRaw<int>("SELECT pg_backend_pid() AS \"Value\"").SingleAsync();
        }

        Assert.Equal(first, second);
    }

}
