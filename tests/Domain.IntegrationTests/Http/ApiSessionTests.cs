using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Domain.Api;
using Domain.Application.Common;
using Domain.Application.Sessions;
using Domain.IntegrationTests.Infrastructure;
using Domain.Sessions;
using Microsoft.Extensions.DependencyInjection;

namespace Domain.IntegrationTests.Http;

/// <summary>The API's session routes end to end, and the layer's exceptions as the problem details clients get.</summary>
public sealed class ApiSessionTests(MigratedDatabase database) : ApiTest(database)
{
    [Fact]
    public async Task CreateThenGetThenAddRevision_StoresThemForTheCaller()
    {
        var alice = await Database.CreateUserAsync();
        var client = ClientFor(alice);

        var created = await client.PostAsJsonAsync("/sessions", new { title = "Parse dates", description = "from HTTP" });
        var session = await ReadAsync<SessionDto>(created);
        var revision = await client.PostAsJsonAsync($"/sessions/{session.Id}/revisions", new { ir = """{"goal":"parse dates"}""", changeSummary = "first" });
        var details = await ReadAsync<SessionDetailsDto>(await client.GetAsync($"/sessions/{session.Id}"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/sessions/{session.Id}", created.Headers.Location?.OriginalString);
        Assert.Equal(alice, session.UserId);
        Assert.Equal(HttpStatusCode.Created, revision.StatusCode);
        Assert.Equal(1, (await ReadAsync<SessionRevisionDto>(revision)).RevisionNumber);
        Assert.Equal("Parse dates", details.Session.Title);
        Assert.Equal("first", Assert.Single(details.Revisions).ChangeSummary);
        Assert.Equal(alice, await Database.ScalarAsync<Guid>("SELECT user_id FROM public.sessions WHERE id = @id", ("id", session.Id)));
    }

    [Fact]
    public async Task ListSessions_PagesByCursor_ThroughEverySessionOnce()
    {
        var alice = await Database.CreateUserAsync();
        var bob = await Database.CreateUserAsync();
        for (var i = 0; i < 5; i++)
        {
            await Database.SessionWithOneOfEachAsync(alice, $"alice {i}");
        }

        await Database.SessionWithOneOfEachAsync(bob);
        var client = ClientFor(alice);

        var first = await ReadAsync<SessionPage>(await client.GetAsync("/sessions?pageSize=2"));
        var second = await ReadAsync<SessionPage>(await client.GetAsync($"/sessions?pageSize=2&after={first.Next}"));
        var third = await ReadAsync<SessionPage>(await client.GetAsync($"/sessions?pageSize=2&after={second.Next}"));

        var all = first.Items.Concat(second.Items).Concat(third.Items).ToList();
        Assert.Equal(5, all.Select(s => s.Id).Distinct().Count());
        Assert.All(all, s => Assert.Equal(alice, s.UserId));
        Assert.Equal(all.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id).Select(s => s.Id), all.Select(s => s.Id));
        Assert.Single(third.Items);
        Assert.Null(third.Next);
    }

    [Fact]
    public async Task InvalidInput_Is422_WithTheErrorsOfEachField_AndNothingIsWritten()
    {
        var alice = await Database.CreateUserAsync();
        var client = ClientFor(alice);

        var blankTitle = await client.PostAsJsonAsync("/sessions", new { title = " ", description = new string('d', SessionLimits.DescriptionMaxLength + 1) });
        var badCursor = await client.GetAsync("/sessions?after=not-a-cursor");
        var badPageSize = await client.GetAsync("/sessions?pageSize=0");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, blankTitle.StatusCode);
        var errors = (await ProblemAsync(blankTitle)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("Title", out _), errors.ToString());
        Assert.True(errors.TryGetProperty("Description", out _), errors.ToString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badCursor.StatusCode);
        Assert.True((await ProblemAsync(badCursor)).GetProperty("errors").TryGetProperty("after", out _));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badPageSize.StatusCode);
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.sessions"));
    }

    [Fact]
    public async Task RevisionOfAnArchivedSession_Is409_WithTheDomainRule()
    {
        var alice = await Database.CreateUserAsync();
        var archived = await Database.SessionInStatusAsync(alice, SessionStatus.Archived);

        var response = await ClientFor(alice).PostAsJsonAsync($"/sessions/{archived.Id}/revisions", new { ir = """{"step":2}""" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.StartsWith("session.", (await ProblemAsync(response)).GetProperty("code").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminAddingARevisionToAnotherUsersSession_Is403_FromRowLevelSecurity()
    {
        var alice = await Database.CreateUserAsync();
        var admin = await Database.CreateUserAsync();
        var session = await Database.SessionWithOneOfEachAsync(alice);
        var adminToken = TokenFor(admin, adjust: c => c with { AppMetadata = new() { ["role"] = "admin" } });

        var read = await Client(adminToken).GetAsync($"/sessions/{session.Id}");
        var write = await Client(adminToken).PostAsJsonAsync($"/sessions/{session.Id}/revisions", new { ir = """{"planted":true}""" });

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Equal("rls_violation", (await ProblemAsync(write)).GetProperty("code").GetString());
        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.session_revisions WHERE session_id = @id", ("id", session.Id)));
    }

    [Fact]
    public async Task OpenApiDocument_IsServed_WithTheRoutes()
    {
        var document = await Client(null).GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/sessions", out _));
        Assert.True(paths.TryGetProperty("/sessions/{id}", out _));
        Assert.True(paths.TryGetProperty("/sessions/{id}/revisions", out _));
        Assert.True(paths.TryGetProperty("/conversations/{id}/messages", out _));

        // How to authenticate: a Supabase access token or an API key in the header the API reads, either one.
        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        var bearer = schemes.GetProperty("SupabaseAccessToken");
        Assert.Equal(("http", "bearer", "JWT"), (bearer.GetProperty("type").GetString(), bearer.GetProperty("scheme").GetString(), bearer.GetProperty("bearerFormat").GetString()));
        var key = schemes.GetProperty("ApiKey");
        Assert.Equal(("apiKey", "header", "X-Api-Key"), (key.GetProperty("type").GetString(), key.GetProperty("in").GetString(), key.GetProperty("name").GetString()));
        Assert.Equal(
            ["ApiKey", "SupabaseAccessToken"],
            document.GetProperty("security").EnumerateArray().SelectMany(r => r.EnumerateObject().Select(p => p.Name)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Health_ReportsTheDatabaseWithEveryMigrationApplied_AndTheRecorderRunning()
    {
        var response = await Client(null).GetAsync("/healthz");
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", report.GetProperty("status").GetString());
        var database = report.GetProperty("checks").GetProperty("database");
        Assert.Equal("Healthy", database.GetProperty("status").GetString());
        Assert.Equal(database.GetProperty("data").GetProperty("shipped").GetInt32(), database.GetProperty("data").GetProperty("applied").GetInt32());
        Assert.Equal("Running", report.GetProperty("checks").GetProperty("usage-recorder").GetProperty("data").GetProperty("state").GetString());
    }

    [Fact]
    public async Task EndpointsAskForTheCaller_TheStoresReceiveTheTokensUser()
    {
        var alice = await Database.CreateUserAsync();
        var created = await ReadAsync<SessionDto>(await ClientFor(alice).PostAsJsonAsync("/sessions", new { title = "mine" }));

        var store = Api.Services.GetRequiredService<SessionStore>();
        var asAlice = await store.GetAsync(Caller.User(alice), created.Id);
        var asAnonymous = await store.GetAsync(Caller.Anonymous, created.Id);

        Assert.Equal(alice, asAlice?.Session.UserId);
        Assert.Null(asAnonymous);
    }
}

/// <summary>A deployment that allows the service role explicitly: such a token is accepted, and bypasses RLS as it does on Supabase.</summary>
public sealed class ApiServiceRoleAllowedTests(MigratedDatabase database) : ApiTest(database)
{
    protected override ApiHost CreateApi() => ApiHost.Create(Database, Jwks, settings => settings["Supabase:AllowServiceRole"] = "true");

    [Fact]
    public async Task ServiceRoleToken_IsAccepted_WhenAllowed_AndSeesEveryUsersSessions()
    {
        var alice = await Database.CreateUserAsync();
        var bob = await Database.CreateUserAsync();
        await Database.SessionWithOneOfEachAsync(alice);
        await Database.SessionWithOneOfEachAsync(bob);
        var token = Key.Sign(new TokenClaims(null, Jwks.Issuer) { Role = "service_role" });

        var response = await Client(token).GetAsync("/sessions");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, (await ReadAsync<SessionPage>(response)).Items.Count);
    }
}
