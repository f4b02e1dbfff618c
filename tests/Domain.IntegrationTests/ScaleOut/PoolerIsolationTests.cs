using System.Collections.Concurrent;
using Domain.Application.Common;
using Domain.Application.Conversations;
using Domain.Application.Sessions;
using Domain.Conversations;
using Domain.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Domain.IntegrationTests.ScaleOut;

/// <summary>
/// Many callers of different identities at once, through PgBouncer in transaction mode with two server sessions, on
/// every path that writes or reads: stores (SaveChanges, the one-statement appends, keyset pages), EF queries without a
/// user filter, SaveChanges through the aggregate. Each caller must see and write only its own rows, although every
/// server session serves many callers one transaction after another. (Through the HTTP API: tools/Domain.Api is on the
/// aspnetcore branch; <see cref="PooledDatabase.ApiSettings"/> is what its host would be given here.)
/// </summary>
[Collection(PooledCollection.Name)]
public sealed class PoolerIsolationTests(PooledDatabase database) : IAsyncLifetime
{
    private const int Callers = 24;
    private const int Rounds = 6;

    public Task InitializeAsync() => database.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task ManyCallers_OverTwoServerSessions_SeeAndWriteOnlyTheirOwnRows()
    {
        var users = new List<Guid>();
        for (var i = 0; i < Callers; i++)
        {
            users.Add(await database.CreateUserAsync());
        }

        var backends = new ConcurrentDictionary<int, ConcurrentDictionary<Guid, byte>>();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var callers = users.Select(async user =>
        {
            await start.Task;
            await ActAsync(user, backends);
        }).ToList();
        start.SetResult();
        await Task.WhenAll(callers);

        // Every caller ran on one of two server sessions, so each session served many of them in turn.
        Assert.InRange(backends.Count, 1, PooledDatabase.ServerConnections);
        Assert.Equal(Callers, backends.Values.SelectMany(callers => callers.Keys).Distinct().Count());

        foreach (var user in users)
        {
            Assert.Equal((long)Rounds, await database.ScalarAsync<long>("SELECT count(*) FROM public.sessions WHERE user_id = @u", ("u", user)));
            Assert.Equal((long)Rounds, await database.ScalarAsync<long>("SELECT count(*) FROM public.session_revisions WHERE user_id = @u", ("u", user)));
            Assert.Equal((long)Rounds, await database.ScalarAsync<long>("SELECT count(*) FROM public.session_drafts WHERE user_id = @u", ("u", user)));
            Assert.Equal((long)Rounds, await database.ScalarAsync<long>("SELECT count(*) FROM public.messages WHERE user_id = @u", ("u", user)));
        }

        Assert.Equal(0L, await database.ScalarAsync<long>(
            """
            SELECT count(*) FROM public.session_revisions r JOIN public.sessions s ON s.id = r.session_id WHERE s.user_id <> r.user_id
            """));
    }

    [Fact]
    public async Task BehindTheTransactionPooler_NoServerSessionHoldsAPreparedStatement()
    {
        var user = await database.CreateUserAsync();
        for (var i = 0; i < 5; i++)
        {
            await using var db = database.Contexts.ForUser(user);
            Assert.Empty(await db.Sessions.Where(s => s.Title == "none").ToListAsync());
        }

        await using var connection = new NpgsqlConnection(PooledDatabase.WithPoolName(database.PooledAppConnectionString, "prepared-check"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_catalog.pg_prepared_statements", connection);

        Assert.Equal(0L, (long)(await command.ExecuteScalarAsync())!);
    }

    /// <summary>One caller's rounds; <paramref name="backends"/> collects which server sessions served which callers.</summary>
    private async Task ActAsync(Guid user, ConcurrentDictionary<int, ConcurrentDictionary<Guid, byte>> backends)
    {
        var caller = Caller.User(user);
        var sessions = database.Services.GetRequiredService<SessionStore>();
        var conversations = database.Services.GetRequiredService<ConversationStore>();
        var chat = await conversations.StoreAsync(caller, new StoreConversationRequest($"chat of {user}"));
        for (var round = 1; round <= Rounds; round++)
        {
            var created = await sessions.CreateAsync(caller, new CreateSessionRequest($"round {round}", null));
            await sessions.AddRevisionAsync(caller, created.Id, new AddRevisionRequest($$"""{"round":{{round}}}""", null));
            await conversations.AppendMessageAsync(caller, chat.Id, new AppendMessageRequest(MessageRole.User, $"message {round}"));

            await using (var db = database.Contexts.ForUser(user))
            {
                var session = await db.Sessions.SingleAsync(s => s.Id == created.Id);
                session.AddDraft("print(1)", "python", true, null, TimeProvider.System.GetUtcNow());
                await db.SaveChangesAsync();

                var visible = await db.Sessions.ToListAsync();
                Assert.All(visible, s => Assert.Equal(user, s.UserId));
                Assert.Equal(round, visible.Count);
                Assert.All(await db.Messages.ToListAsync(), m => Assert.Equal(user, m.UserId));
                Assert.Equal(user, (await db.Database.SqlQueryRaw<Guid>("SELECT auth.uid() AS \"Value\"").ToListAsync()).Single());

                var backend = (await db.Database.SqlQueryRaw<int>("SELECT pg_catalog.pg_backend_pid() AS \"Value\"").ToListAsync()).Single();
                backends.GetOrAdd(backend, _ => new())[user] = 0;
            }

            var page = await sessions.ListAsync(caller, new ListSessionsRequest(PageSize: 50));
            Assert.Equal(round, page.Count);
            Assert.All(page, s => Assert.Equal(user, s.UserId));
            var messages = await conversations.GetMessagesAsync(caller, chat.Id, new MessageHistoryRequest());
            Assert.Equal(round, messages.Count);
        }
    }
}
