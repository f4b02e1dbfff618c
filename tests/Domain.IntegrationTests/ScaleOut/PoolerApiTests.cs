using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Domain.Api;
using Domain.Application.Conversations;
using Domain.Application.Sessions;
using Domain.IntegrationTests.Http;
using Domain.IntegrationTests.Infrastructure;

namespace Domain.IntegrationTests.ScaleOut;

/// <summary>
/// tools/Domain.Api hosted in-process as an operator would run it behind PgBouncer in transaction mode
/// (<see cref="PooledDatabase.ApiSettings"/>: the pooler's address and <c>Domain:Persistence:ConnectionMode</c>), with
/// two server sessions for every request: many users at once create, read and list their sessions and conversations
/// over HTTP, each seeing and writing only their own rows, and another user's id is 404. The requests repeat the same
/// queries many times, so a server session holding a statement prepared for another client would fail them too.
/// </summary>
[Collection(PooledCollection.Name)]
public sealed class PoolerApiTests(PooledDatabase database) : IAsyncLifetime
{
    private const int Users = 16;
    private const int SessionsPerUser = 3;
    private const int MessagesPerUser = 2;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly TestSigningKey _key = TestSigningKey.Es256("key-1");
    private LocalJwksServer _jwks = null!;
    private ApiHost _api = null!;

    public async Task InitializeAsync()
    {
        await database.ResetAsync();
        _jwks = await LocalJwksServer.StartAsync(_key);
        _api = ApiHost.Create(database.ApiSettings(), _jwks);
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _jwks.DisposeAsync();
    }

    [Fact]
    public async Task ManyUsersAtOnce_ThroughTheApiBehindPgBouncer_SeeAndWriteOnlyTheirOwnRows_AndOthersIdsAre404()
    {
        var users = new List<Guid>();
        for (var i = 0; i < Users; i++)
        {
            users.Add(await database.CreateUserAsync());
        }

        var clients = users.ToDictionary(u => u, ClientFor);

        // Everyone writes and reads back at once.
        var written = await Task.WhenAll(users.Select(user => WriteAndReadOwnAsync(user, clients[user])));
        var rows = written.ToDictionary(w => w.User);

        // Everyone reads their own and tries a neighbour's, at once.
        var checks = await Task.WhenAll(users.Select((user, i) => ReadOwnAndForeignAsync(rows[user], rows[users[(i + 1) % users.Count]], clients[user])));
        Assert.All(checks, Assert.True);

        foreach (var user in users)
        {
            Assert.Equal((long)SessionsPerUser, await database.ScalarAsync<long>("SELECT count(*) FROM public.sessions WHERE user_id = @u", ("u", user)));
            Assert.Equal((long)SessionsPerUser, await database.ScalarAsync<long>("SELECT count(*) FROM public.session_revisions WHERE user_id = @u", ("u", user)));
            Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM public.conversations WHERE user_id = @u", ("u", user)));
            Assert.Equal((long)MessagesPerUser, await database.ScalarAsync<long>("SELECT count(*) FROM public.messages WHERE user_id = @u", ("u", user)));
        }

        Assert.Equal(0L, await database.ScalarAsync<long>(
            "SELECT count(*) FROM public.session_revisions r JOIN public.sessions s ON s.id = r.session_id WHERE s.user_id <> r.user_id"));
        Assert.Equal(0L, await database.ScalarAsync<long>(
            "SELECT count(*) FROM public.messages m JOIN public.conversations c ON c.id = m.conversation_id WHERE c.user_id <> m.user_id"));
    }

    private sealed record UserRows(Guid User, HashSet<Guid> Sessions, Guid Conversation);

    /// <summary>One user's writes over HTTP, each read back at once: sessions with a revision, a conversation with messages.</summary>
    private static async Task<UserRows> WriteAndReadOwnAsync(Guid user, HttpClient client)
    {
        var sessions = new HashSet<Guid>();
        for (var s = 1; s <= SessionsPerUser; s++)
        {
            var created = await ReadAsync<SessionDto>(await client.PostAsJsonAsync("/sessions", new { title = $"{user} session {s}" }), HttpStatusCode.Created);
            Assert.Equal(user, created.UserId);
            sessions.Add(created.Id);
            Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync($"/sessions/{created.Id}/revisions", new { ir = $$"""{"session":{{s}}}""" })).StatusCode);

            var details = await ReadAsync<SessionDetailsDto>(await client.GetAsync($"/sessions/{created.Id}"), HttpStatusCode.OK);
            Assert.Equal(user, details.Session.UserId);
            Assert.Single(details.Revisions);

            var page = await ReadAsync<SessionPage>(await client.GetAsync("/sessions?pageSize=50"), HttpStatusCode.OK);
            Assert.True(page.Items.Select(i => i.Id).ToHashSet().SetEquals(sessions), $"{user} listed {page.Items.Count} sessions, not their {sessions.Count}");
        }

        var conversation = await ReadAsync<ConversationDto>(await client.PostAsJsonAsync("/conversations", new { title = $"{user} chat" }), HttpStatusCode.Created);
        Assert.Equal(user, conversation.UserId);
        for (var m = 1; m <= MessagesPerUser; m++)
        {
            var message = await ReadAsync<MessageDto>(
                await client.PostAsJsonAsync($"/conversations/{conversation.Id}/messages", new { role = "user", content = $"{user} message {m}" }),
                HttpStatusCode.Created);
            Assert.Equal(m, message.Sequence);
        }

        return new UserRows(user, sessions, conversation.Id);
    }

    /// <summary>True when the caller reads exactly their own rows, and every id of <paramref name="other"/>'s is 404, writes included.</summary>
    private static async Task<bool> ReadOwnAndForeignAsync(UserRows own, UserRows other, HttpClient client)
    {
        var page = await ReadAsync<SessionPage>(await client.GetAsync("/sessions?pageSize=50"), HttpStatusCode.OK);
        var conversation = await ReadAsync<ConversationDto>(await client.GetAsync($"/conversations/{own.Conversation}"), HttpStatusCode.OK);
        var messages = await ReadAsync<MessagePage>(await client.GetAsync($"/conversations/{own.Conversation}/messages"), HttpStatusCode.OK);
        var ownRead = page.Items.All(s => s.UserId == own.User)
            && page.Items.Select(s => s.Id).ToHashSet().SetEquals(own.Sessions)
            && conversation.UserId == own.User && conversation.MessageCount == MessagesPerUser
            && messages.Items.Count == MessagesPerUser && messages.Items.All(m => m.Content.StartsWith(own.User.ToString(), StringComparison.Ordinal));

        var foreign = new List<HttpResponseMessage>();
        foreach (var session in other.Sessions)
        {
            foreign.Add(await client.GetAsync($"/sessions/{session}"));
            foreign.Add(await client.PostAsJsonAsync($"/sessions/{session}/revisions", new { ir = """{"planted":true}""" }));
        }

        foreign.Add(await client.GetAsync($"/conversations/{other.Conversation}"));
        foreign.Add(await client.GetAsync($"/conversations/{other.Conversation}/messages"));
        foreign.Add(await client.PostAsJsonAsync($"/conversations/{other.Conversation}/messages", new { role = "user", content = "planted" }));
        return ownRead && foreign.All(r => r.StatusCode == HttpStatusCode.NotFound);
    }

    private HttpClient ClientFor(Guid user)
    {
        var client = _api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _key.Sign(new TokenClaims(user, _jwks.Issuer)));
        return client;
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.True(expected == response.StatusCode, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} "
            + await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<T>(Json))!;
    }
}
