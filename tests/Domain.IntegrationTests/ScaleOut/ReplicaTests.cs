using Domain.Application.Common;
using Domain.Application.Conversations;
using Domain.Application.Sessions;
using Domain.Conversations;
using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence;
using Domain.Persistence.Errors;
using Domain.Persistence.Rls;
using Domain.Persistence.Sessions;
using Domain.Sessions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Domain.IntegrationTests.ScaleOut;

/// <summary>
/// Read-only contexts on a streaming hot standby: row-level security holds there exactly as on the primary (the claims
/// statement's settings and role switch run on a standby), writes are refused wherever a read-only context reads,
/// a caller reads its own writes (from the standby once replayed, from the primary while it is behind), and with the
/// primary stopped reads go on while writes fail with the layer's transient errors.
/// </summary>
[Collection(ReplicatedCollection.Name)]
public sealed class ReplicaTests(ReplicatedDatabase database) : IAsyncLifetime
{
    private static readonly TimeSpan LongWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ShortWait = TimeSpan.FromMilliseconds(100);

    public Task InitializeAsync() => database.ResetAsync();

    public Task DisposeAsync() => database.ResumeReplayAsync();

    [Fact]
    public async Task OnTheStandby_EveryCallerReadsExactlyWhatRowLevelSecurityGivesThemOnThePrimary()
    {
        var contexts = database.NewContexts(LongWait);
        var (alice, bob) = (await database.CreateUserAsync(), await database.CreateUserAsync());
        await AddSessionsAsync(contexts, alice, "alice 1", "alice 2");
        await AddSessionsAsync(contexts, bob, "bob 1");
        await database.CaughtUpAsync();

        RlsClaims[] callers = [RlsClaims.ForUser(alice), RlsClaims.ForUser(bob), RlsClaims.ForAdmin(bob), RlsClaims.Anonymous, RlsClaims.Service];
        foreach (var claims in callers)
        {
            List<string> onPrimary;
            await using (var db = contexts.For(claims))
            {
                onPrimary = await Titles(db);
            }

            await using var standby = await contexts.ReadOnlyForAsync(claims);
            Assert.True(await InRecoveryAsync(standby), $"{claims.Role} read from the primary");
            Assert.Equal(onPrimary, await Titles(standby));
            Assert.Equal(claims.UserId, await ScalarAsync<Guid?>(standby, "SELECT auth.uid() AS \"Value\""));
        }

        await using var alices = await contexts.ReadOnlyForUserAsync(alice);
        Assert.Equal(["alice 1", "alice 2"], await Titles(alices));
        Assert.Equal(2, await alices.SessionSummaries.CountAsync());
        Assert.All(await alices.SessionSummaries.ToListAsync(), s => Assert.Equal(alice, s.UserId));
    }

    [Fact]
    public async Task OnTheStandby_TheClaimsProcedureForSqlClientsWorksToo()
    {
        var contexts = database.NewContexts(LongWait);
        var (alice, bob) = (await database.CreateUserAsync(), await database.CreateUserAsync());
        await AddSessionsAsync(contexts, alice, "alice's");
        await AddSessionsAsync(contexts, bob, "bob's");
        await database.CaughtUpAsync();

        await using var connection = new NpgsqlConnection(database.StandbyAppConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var call = new NpgsqlCommand("CALL domain_private.set_request_context(@claims, 'authenticated')", connection, transaction))
        {
            call.Parameters.AddWithValue("claims", RlsClaims.ForUser(alice).Json);
            await call.ExecuteNonQueryAsync();
        }

        await using var read = new NpgsqlCommand("SELECT title FROM public.sessions", connection, transaction);
        Assert.Equal("alice's", (string)(await read.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task AReadOnlyContext_RefusesWrites_OnTheStandbyAndOnThePrimary()
    {
        var alice = await database.CreateUserAsync();
        var withReplica = database.NewContexts(LongWait);
        var primaryOnly = new DomainDbContextFactory(DomainDbContextOptions.Create(database.PrimaryAppConnectionString));
        await AddSessionsAsync(withReplica, alice, "alice's");
        await database.CaughtUpAsync();

        foreach (var contexts in new[] { withReplica, primaryOnly })
        {
            await using (var db = await contexts.ReadOnlyForUserAsync(alice))
            {
                Assert.True(db.IsReadOnly);
                db.Sessions.Add(Session.Create(alice, "written through a read-only context", null, TimeProvider.System.GetUtcNow()));
                await Assert.ThrowsAsync<ReadOnlyViolationException>(() => db.SaveChangesAsync());
            }

            await using (var db = await contexts.ReadOnlyForUserAsync(alice))
            {
                await Assert.ThrowsAsync<ReadOnlyViolationException>(() => db.Sessions.ExecuteDeleteAsync());
                await Assert.ThrowsAsync<ReadOnlyViolationException>(() => db.Database.ExecuteSqlRawAsync("DELETE FROM public.sessions"));
            }
        }

        Assert.Equal(1L, await TestServer.ScalarAsync<long>(database.PrimaryAdminConnectionString, "SELECT count(*) FROM public.sessions"));
    }

    [Fact]
    public async Task AfterAWrite_TheCallersNextRead_WaitsForTheStandby_AndSeesTheWriteThere()
    {
        var contexts = database.NewContexts(LongWait);
        await using var services = ReplicatedDatabase.ApplicationOver(contexts);
        var sessions = services.GetRequiredService<SessionStore>();
        var alice = await database.CreateUserAsync();

        var created = await sessions.CreateAsync(Caller.User(alice), new CreateSessionRequest("just written", null));
        await using var db = await contexts.ReadOnlyForUserAsync(alice);

        Assert.True(await InRecoveryAsync(db));
        Assert.Equal(["just written"], await Titles(db));
        Assert.Equal(created.Id, (await sessions.GetAsync(Caller.User(alice), created.Id))!.Session.Id);
    }

    [Fact]
    public async Task WhileTheStandbyIsBehind_AWritersNextRead_GoesToThePrimary_AndOtherCallersStillReadTheStandby()
    {
        var contexts = database.NewContexts(ShortWait);
        await using var services = ReplicatedDatabase.ApplicationOver(contexts);
        var sessions = services.GetRequiredService<SessionStore>();
        var (alice, bob, admin) = (await database.CreateUserAsync(), await database.CreateUserAsync(), await database.CreateUserAsync());
        await database.PauseReplayAsync();

        var created = await sessions.CreateAsync(Caller.User(alice), new CreateSessionRequest("not replayed yet", null));

        await using (var alices = await contexts.ReadOnlyForUserAsync(alice))
        {
            Assert.False(await InRecoveryAsync(alices));
            Assert.Equal(["not replayed yet"], await Titles(alices));
        }

        Assert.Equal(created.Id, (await sessions.GetAsync(Caller.User(alice), created.Id))!.Session.Id);
        Assert.Single(await sessions.ListAsync(Caller.User(alice), new ListSessionsRequest()));
        await using (var bobs = await contexts.ReadOnlyForUserAsync(bob))
        {
            Assert.True(await InRecoveryAsync(bobs));
        }

        // What the routing protects against: the standby does not have the write yet, as an admin reading there sees.
        await using (var admins = await contexts.ReadOnlyForAsync(RlsClaims.ForAdmin(admin)))
        {
            Assert.True(await InRecoveryAsync(admins));
            Assert.Empty(await Titles(admins));
        }

        await database.ResumeReplayAsync();
        await database.CaughtUpAsync();
        await using (var alices = await contexts.ReadOnlyForUserAsync(alice))
        {
            Assert.True(await InRecoveryAsync(alices));
            Assert.Equal(["not replayed yet"], await Titles(alices));
        }
    }

    [Fact]
    public async Task EveryKindOfWrite_IsTracked_AndReadsAreNot()
    {
        var contexts = database.NewContexts(ShortWait);
        await using var services = ReplicatedDatabase.ApplicationOver(contexts);
        var sessions = services.GetRequiredService<SessionStore>();
        var conversations = services.GetRequiredService<ConversationStore>();
        var alice = await database.CreateUserAsync();
        var caller = Caller.User(alice);
        var claims = RlsClaims.ForUser(alice);
        var positions = contexts.WritePositions!;
        var session = await sessions.CreateAsync(caller, new CreateSessionRequest("first", null));
        var chat = await conversations.StoreAsync(caller, new StoreConversationRequest("chat"));

        Func<Task>[] writes =
        [
            () => sessions.CreateAsync(caller, new CreateSessionRequest("SaveChanges", null)),
            () => sessions.AddRevisionAsync(caller, session.Id, new AddRevisionRequest("""{"one":"statement"}""", null)),
            () => conversations.AppendMessageAsync(caller, chat.Id, new AppendMessageRequest(MessageRole.User, "one statement")),
            () => sessions.RetitleAsync(caller, session.Id, new RetitleSessionRequest("retitled", null)),
            async () =>
            {
                await using var db = contexts.ForUser(alice);
                await db.Sessions.Where(s => s.Title == "SaveChanges").ExecuteUpdateAsync(u => u.SetProperty(s => s.Title, "ExecuteUpdate"));
            },
            async () =>
            {
                await using var db = contexts.ForUser(alice);
                await db.Database.ExecuteSqlRawAsync("UPDATE public.sessions SET description = 'raw' WHERE title = 'ExecuteUpdate'");
            },
            async () =>
            {
                await using var db = contexts.ForUser(alice);
                await db.AppendRevisionAsync(session.Id, """{"two":"statements"}""", null, TimeProvider.System.GetUtcNow());
            },
        ];
        foreach (var write in writes)
        {
            var before = positions.LastWriteOf(claims)!.Value;
            await write();
            Assert.True(positions.LastWriteOf(claims)!.Value > before, "a write left the caller's position where it was");
        }

        var last = positions.LastWriteOf(claims);
        await using (var db = contexts.ForUser(alice))
        {
            Assert.NotEmpty(await db.Sessions.ToListAsync());
            Assert.NotNull(await db.FindSessionAsync(session.Id));
        }

        Assert.Equal(last, positions.LastWriteOf(claims));
    }

    [Fact]
    public async Task WithThePrimaryStopped_ReadsGoOn_AndWritesFailWithTheLayersTransientErrors()
    {
        var contexts = database.NewContexts(ShortWait);
        await using var services = ReplicatedDatabase.ApplicationOver(contexts);
        var sessions = services.GetRequiredService<SessionStore>();
        var alice = await database.CreateUserAsync();
        var created = await sessions.CreateAsync(Caller.User(alice), new CreateSessionRequest("before the primary stopped", null));
        await database.CaughtUpAsync();

        await database.Primary.StopServerAsync();
        try
        {
            Assert.Equal(["before the primary stopped"], (await sessions.ListAsync(Caller.User(alice), new ListSessionsRequest())).Select(s => s.Title));
            Assert.Equal(created.Id, (await sessions.GetAsync(Caller.User(alice), created.Id))!.Session.Id);
            await using (var db = await contexts.ReadOnlyForUserAsync(alice))
            {
                Assert.Single(await db.Sessions.ToListAsync());
            }

            var store = await Assert.ThrowsAnyAsync<Exception>(() => sessions.CreateAsync(Caller.User(alice), new CreateSessionRequest("refused", null)));
            Assert.True(DatabaseErrorTranslator.IsTransient(store), store.ToString());
            var append = await Assert.ThrowsAnyAsync<Exception>(() => sessions.AddRevisionAsync(Caller.User(alice), created.Id, new AddRevisionRequest("{}", null)));
            Assert.True(DatabaseErrorTranslator.IsTransient(append), append.ToString());
            await using var writer = contexts.ForUser(alice);
            writer.Sessions.Add(Session.Create(alice, "refused", null, TimeProvider.System.GetUtcNow()));
            var save = await Assert.ThrowsAnyAsync<Exception>(() => writer.SaveChangesAsync());
            Assert.True(DatabaseErrorTranslator.IsTransient(save), save.ToString());
        }
        finally
        {
            await database.Primary.StartServerAsync();
        }

        await database.CaughtUpAsync();
    }

    [Fact]
    public async Task AMultiHostReplicaString_ReadsTheStandby_AndThePrimaryWhileTheStandbyIsDown()
    {
        var replica = new NpgsqlConnectionStringBuilder(database.StandbyAppConnectionString)
        {
            Host = $"127.0.0.1:{database.Standby.Port},127.0.0.1:{database.Primary.Port}",
            TargetSessionAttributes = "prefer-standby",
        }.ConnectionString;
        var contexts = database.NewContexts(ShortWait, replica);
        var alice = await database.CreateUserAsync();
        await AddSessionsAsync(contexts, alice, "alice's");
        await database.CaughtUpAsync();

        await using (var db = await contexts.ReadOnlyForUserAsync(alice))
        {
            Assert.True(await InRecoveryAsync(db));
        }

        await database.Standby.StopServerAsync();
        try
        {
            // The one pooled connection to the standby fails once, transiently; then Npgsql connects to the primary.
            var (inRecovery, titles) = await ReplicatedDatabase.AfterTransientFailuresAsync(async () =>
            {
                await using var db = await contexts.ReadOnlyForUserAsync(alice);
                return (await InRecoveryAsync(db), await Titles(db));
            });
            Assert.False(inRecovery);
            Assert.Equal(["alice's"], titles);
        }
        finally
        {
            await database.Standby.StartServerAsync();
        }

        await database.CaughtUpAsync();
    }

    private static async Task AddSessionsAsync(DomainDbContextFactory contexts, Guid user, params string[] titles)
    {
        await using var db = contexts.ForUser(user);
        foreach (var title in titles)
        {
            db.Sessions.Add(Session.Create(user, title, null, TimeProvider.System.GetUtcNow()));
        }

        await db.SaveChangesAsync();
    }

    private static Task<List<string>> Titles(DomainDbContext db) => db.Sessions.OrderBy(s => s.Title).Select(s => s.Title).ToListAsync();

    private static Task<bool> InRecoveryAsync(DomainDbContext db) => ScalarAsync<bool>(db, "SELECT pg_catalog.pg_is_in_recovery() AS \"Value\"");

    private static async Task<T> ScalarAsync<T>(DomainDbContext db, string sql) => (await db.Database.SqlQueryRaw<T>(sql).ToListAsync()).Single();
}
