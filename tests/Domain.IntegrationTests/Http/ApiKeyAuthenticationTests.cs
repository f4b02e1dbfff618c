using System.Net;
using System.Net.Http.Json;
using Domain.Api;
using Domain.Application.Common;
using Domain.Application.Identity;
using Domain.Application.Sessions;
using Domain.AspNetCore.Authentication;
using Domain.Identity;
using Domain.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Domain.IntegrationTests.Http;

/// <summary>
/// The API's second scheme end to end: API keys (<c>X-Api-Key</c> or <c>Authorization: ApiKey</c>) issued by
/// <see cref="ApiKeyStore"/> act as their owner under row-level security, limited to their scopes; refused keys are
/// 401 with one answer and write nothing; a key with another credential is 400; no key reaches the service role.
/// </summary>
public sealed class ApiKeyAuthenticationTests(MigratedDatabase database) : ApiTest(database)
{
    private static readonly string[] ReadWrite = [ApiScopes.SessionsRead, ApiScopes.SessionsWrite];

    [Fact]
    public async Task TheRightKey_ActsAsItsOwner_InEitherHeader_AndAnotherUsersSessionIs404()
    {
        var alice = await Database.CreateUserAsync();
        var bob = await Database.CreateUserAsync();
        var bobs = await Database.SessionWithOneOfEachAsync(bob, "bob's");
        var key = await IssueAsync(alice, ReadWrite);

        var created = await KeyClient(key).PostAsJsonAsync("/sessions", new { title = "from a key" });
        var session = await ReadAsync<SessionDto>(created);
        var list = await ReadAsync<SessionPage>(await KeyClient(key).GetAsync("/sessions"));
        using var viaAuthorization = new HttpRequestMessage(HttpMethod.Get, $"/sessions/{session.Id}");
        viaAuthorization.Headers.TryAddWithoutValidation("Authorization", $"ApiKey {key}");
        var read = await Client(null).SendAsync(viaAuthorization);
        var bobsSession = await KeyClient(key).GetAsync($"/sessions/{bobs.Id}");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(alice, session.UserId);
        Assert.Equal(alice, await Database.ScalarAsync<Guid>("SELECT user_id FROM public.sessions WHERE id = @id", ("id", session.Id)));
        Assert.Equal([session.Id], list.Items.Select(s => s.Id));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("from a key", (await ReadAsync<SessionDetailsDto>(read)).Session.Title);
        Assert.Equal(HttpStatusCode.NotFound, bobsSession.StatusCode);
        Assert.Equal(404, (await ProblemAsync(bobsSession)).GetProperty("status").GetInt32());
        Assert.True(await Database.ScalarAsync<bool>("SELECT last_used_at IS NOT NULL FROM public.api_keys WHERE user_id = @id", ("id", alice)));
    }

    [Fact]
    public async Task WrongMalformedRevokedAndExpiredKeys_Are401_WithTheSameAnswer_AndWriteNothing()
    {
        var alice = await Database.CreateUserAsync();
        var stores = Api.Services.GetRequiredService<ApiKeyStore>();
        var revoked = await stores.CreateAsync(Caller.Service, new CreateApiKeyRequest("revoked", ReadWrite, UserId: alice));
        await stores.RevokeAsync(Caller.Service, revoked.Key.Id);
        var expired = await stores.CreateAsync(Caller.Service, new CreateApiKeyRequest("expired", ReadWrite, DateTimeOffset.UtcNow.AddHours(1), alice));
        await Database.ScalarAsync<int>(
            "UPDATE public.api_keys SET created_at = now() - interval '2 hours', expires_at = now() - interval '1 hour' WHERE id = @id",
            ("id", expired.Key.Id));
        const string header = ApiKeyAuthenticationOptions.DefaultHeaderName;
        var presented = new Dictionary<string, (string Header, string Value)>
        {
            ["wrong"] = (header, ApiKeySecret.Generate()),
            ["one character changed"] = (header, revoked.Secret[..^1] + (revoked.Secret[^1] == 'A' ? 'B' : 'A')),
            ["malformed"] = (header, "dk_not-a-key"),
            ["no key after the scheme"] = ("Authorization", "ApiKey"),
            ["revoked"] = (header, revoked.Secret),
            ["expired in Authorization"] = ("Authorization", $"ApiKey {expired.Secret}"),
        };

        foreach (var (what, (name, value)) in presented)
        {
            var client = Client(null);
            client.DefaultRequestHeaders.TryAddWithoutValidation(name, value);
            var write = await client.PostAsJsonAsync("/sessions", new { title = what });
            var openRoute = await client.GetAsync("/healthz");

            Assert.True(HttpStatusCode.Unauthorized == write.StatusCode, $"{what}: {write.StatusCode}");
            Assert.True("ApiKey" == write.Headers.WwwAuthenticate.Single().Scheme, $"{what}: {write.Headers.WwwAuthenticate}");
            var problem = await ProblemAsync(write);
            Assert.Equal(401, problem.GetProperty("status").GetInt32());
            Assert.Equal("The API key is invalid, revoked or expired.", problem.GetProperty("detail").GetString());
            Assert.True(HttpStatusCode.Unauthorized == openRoute.StatusCode, $"{what} on an open route: {openRoute.StatusCode}");
        }

        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.sessions"));
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.api_keys WHERE last_used_at IS NOT NULL"));
    }

    [Fact]
    public async Task AKeyWithoutTheScope_Is403_NamingIt_AndWritesNothing_WhileABearerTokenIsNotLimited()
    {
        var alice = await Database.CreateUserAsync();
        var readOnly = await IssueAsync(alice, [ApiScopes.SessionsRead]);
        var conversationsOnly = await IssueAsync(alice, [ApiScopes.ConversationsRead, ApiScopes.ConversationsWrite]);

        var list = await KeyClient(readOnly).GetAsync("/sessions");
        var write = await KeyClient(readOnly).PostAsJsonAsync("/sessions", new { title = "not allowed" });
        var read = await KeyClient(conversationsOnly).GetAsync("/sessions");
        var withToken = await ClientFor(alice).PostAsJsonAsync("/sessions", new { title = "allowed" });

        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        var problem = await ProblemAsync(write);
        Assert.Equal("missing_scope", problem.GetProperty("code").GetString());
        Assert.Equal([ApiScopes.SessionsWrite], problem.GetProperty("missingScopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        Assert.Equal(HttpStatusCode.Created, withToken.StatusCode);
        Assert.Equal(["allowed"], await TitlesAsync());
    }

    [Fact]
    public async Task AnAdminOwnersKey_ReadsEveryonesRows_AsAnAdmin_ButWritesOnlyTheirOwn()
    {
        var alice = await Database.CreateUserAsync();
        var admin = await Database.CreateUserAsync();
        var alices = await Database.SessionWithOneOfEachAsync(alice, "alice's");
        await Api.Services.GetRequiredService<ProfileStore>().SetRoleAsync(Caller.Service, admin, new SetRoleRequest(UserRole.Admin));
        var key = await IssueAsync(admin, ReadWrite);

        var read = await KeyClient(key).GetAsync($"/sessions/{alices.Id}");
        var write = await KeyClient(key).PostAsJsonAsync($"/sessions/{alices.Id}/revisions", new { ir = """{"planted":true}""" });

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Equal("rls_violation", (await ProblemAsync(write)).GetProperty("code").GetString());
        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.session_revisions WHERE session_id = @id", ("id", alices.Id)));
    }

    [Fact]
    public async Task AKeyWithABearerToken_Is400_WhicheverTheToken_AndNothingIsWritten()
    {
        var alice = await Database.CreateUserAsync();
        var key = await IssueAsync(alice, ReadWrite);
        var sameUser = KeyClient(key);
        sameUser.DefaultRequestHeaders.Authorization = new("Bearer", TokenFor(alice));
        var serviceRole = KeyClient(key);
        serviceRole.DefaultRequestHeaders.Authorization = new("Bearer", TokenFor(alice, adjust: c => c with { Role = "service_role" }));

        foreach (var client in new[] { sameUser, serviceRole })
        {
            var response = await client.PostAsJsonAsync("/sessions", new { title = "two credentials" });

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await ProblemAsync(response);
            Assert.Equal("Conflicting credentials", problem.GetProperty("title").GetString());
            Assert.Contains("send one credential", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.sessions"));
    }

    [Fact]
    public async Task AnUnusableKeyHeaderSetting_StopsTheApiAtStart_NamingTheSetting()
    {
        await using var api = ApiHost.Create(Database, Jwks, settings => settings["Domain:Web:ApiKeys:HeaderName"] = "apikey");

        var ex = Assert.Throws<OptionsValidationException>(() => api.CreateClient());

        Assert.Contains(ex.Failures, f => f.StartsWith("Domain:Web:ApiKeys:HeaderName cannot be 'apikey'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AConfiguredKeyHeader_CarriesKeys_AndXApiKeyIsThenNotRead()
    {
        await using var api = ApiHost.Create(Database, Jwks, settings => settings["Domain:Web:ApiKeys:HeaderName"] = "X-Service-Key");
        var alice = await Database.CreateUserAsync();
        var key = (await api.Services.GetRequiredService<ApiKeyStore>()
            .CreateAsync(Caller.Service, new CreateApiKeyRequest("custom header", ReadWrite, UserId: alice))).Secret;
        var custom = api.CreateClient();
        custom.DefaultRequestHeaders.Add("X-Service-Key", key);
        var standard = api.CreateClient();
        standard.DefaultRequestHeaders.Add("X-Api-Key", key);

        Assert.Equal(HttpStatusCode.OK, (await custom.GetAsync("/sessions")).StatusCode);
        var unread = await standard.GetAsync("/sessions");
        Assert.Equal(HttpStatusCode.Unauthorized, unread.StatusCode);
        Assert.Equal("Bearer", unread.Headers.WwwAuthenticate.Single().Scheme);
    }

    private async Task<string> IssueAsync(Guid owner, IReadOnlyList<string> scopes)
        => (await Api.Services.GetRequiredService<ApiKeyStore>().CreateAsync(Caller.Service, new CreateApiKeyRequest("test", scopes, UserId: owner))).Secret;

    /// <summary>A client that sends <paramref name="key"/> as <c>X-Api-Key</c>.</summary>
    private HttpClient KeyClient(string key)
    {
        var client = Client(null);
        client.DefaultRequestHeaders.TryAddWithoutValidation(ApiKeyAuthenticationOptions.DefaultHeaderName, key);
        return client;
    }

    private async Task<List<string>> TitlesAsync()
    {
        var titles = new List<string>();
        await using var connection = new Npgsql.NpgsqlConnection(Database.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT title FROM public.sessions ORDER BY title", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            titles.Add(reader.GetString(0));
        }

        return titles;
    }
}
