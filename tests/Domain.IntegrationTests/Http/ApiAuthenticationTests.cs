using System.Net;
using System.Net.Http.Json;
using Domain.Api;
using Domain.IntegrationTests.Infrastructure;

namespace Domain.IntegrationTests.Http;

/// <summary>
/// Tokens as Supabase issues them, through HTTP: which are accepted, which are refused with 401, and that an accepted
/// one acts for exactly its user.
/// </summary>
public sealed class ApiAuthenticationTests(MigratedDatabase database) : ApiTest(database)
{
    [Fact]
    public async Task TwoUsers_WithTokensFromTheJwksKey_EachSeeOnlyTheirOwnSessions()
    {
        var alice = await Database.CreateUserAsync();
        var bob = await Database.CreateUserAsync();
        await Database.SessionWithOneOfEachAsync(alice, "alice's");
        await Database.SessionWithOneOfEachAsync(alice, "alice's second");
        await Database.SessionWithOneOfEachAsync(bob, "bob's");

        var alicePage = await ReadAsync<SessionPage>(await ClientFor(alice).GetAsync("/sessions"));
        var bobPage = await ReadAsync<SessionPage>(await ClientFor(bob).GetAsync("/sessions"));

        Assert.Equal(2, alicePage.Items.Count);
        Assert.All(alicePage.Items, s => Assert.Equal(alice, s.UserId));
        Assert.Equal("bob's", Assert.Single(bobPage.Items).Title);
        Assert.Equal(bob, bobPage.Items[0].UserId);
    }

    [Fact]
    public async Task Rs256Token_FromTheJwks_IsAccepted()
    {
        var rsa = TestSigningKey.Rs256("rsa-key");
        Jwks.Publish(Key, rsa);
        var alice = await Database.CreateUserAsync();
        await Database.SessionWithOneOfEachAsync(alice);

        var response = await Client(TokenFor(alice, rsa)).GetAsync("/sessions");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single((await ReadAsync<SessionPage>(response)).Items);
    }

    [Fact]
    public async Task LegacyHs256Token_SignedWithTheConfiguredSecret_IsAccepted_AndNeverFetchesTheKeys()
    {
        var alice = await Database.CreateUserAsync();
        await Database.SessionWithOneOfEachAsync(alice);

        var response = await Client(TokenFor(alice, TestSigningKey.Hs256(ApiHost.Secret))).GetAsync("/sessions");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(alice, Assert.Single((await ReadAsync<SessionPage>(response)).Items).UserId);
        Assert.Equal(0, Jwks.Fetches);
    }

    [Fact]
    public async Task UserA_ReadingUserBsSession_Gets404_AsForAMissingOne()
    {
        var alice = await Database.CreateUserAsync();
        var bob = await Database.CreateUserAsync();
        var bobs = await Database.SessionWithOneOfEachAsync(bob);

        var foreign = await ClientFor(alice).GetAsync($"/sessions/{bobs.Id}");
        var missing = await ClientFor(alice).GetAsync($"/sessions/{Guid.CreateVersion7()}");
        var revision = await ClientFor(alice).PostAsJsonAsync($"/sessions/{bobs.Id}/revisions", new { ir = """{"planted":true}""" });
        var own = await ClientFor(bob).GetAsync($"/sessions/{bobs.Id}");

        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, revision.StatusCode);
        Assert.Equal((await ProblemAsync(missing)).GetProperty("title").GetString(), (await ProblemAsync(foreign)).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.session_revisions WHERE session_id = @id", ("id", bobs.Id)));
    }

    [Fact]
    public async Task ExpiredToken_IsRefused_WithInvalidTokenAndAProblem()
    {
        var alice = await Database.CreateUserAsync();
        var token = TokenFor(alice, adjust: c => c with { IssuedAt = DateTimeOffset.UtcNow.AddHours(-2), Expires = DateTimeOffset.UtcNow.AddHours(-1) });

        var response = await Client(token).GetAsync("/sessions");

        await AssertRefusedAsync(response, "expired");
    }

    [Fact]
    public async Task TokenWithAPublishedKeyIdButAnotherKeysSignature_IsRefused()
    {
        var alice = await Database.CreateUserAsync();
        var impostor = TestSigningKey.Es256(Key.KeyId!);

        await AssertRefusedAsync(await Client(TokenFor(alice, impostor)).GetAsync("/sessions"), "invalid_token");
    }

    [Fact]
    public async Task ServiceRoleToken_FromAClient_IsRefused()
    {
        var admin = await Database.CreateUserAsync();
        await Database.SessionWithOneOfEachAsync(admin);

        var response = await Client(TokenFor(admin, adjust: c => c with { Role = "service_role" })).GetAsync("/sessions");

        await AssertRefusedAsync(response, "service_role");
    }

    [Fact]
    public async Task UnsignedToken_AlgNone_IsRefused()
    {
        var alice = await Database.CreateUserAsync();

        await AssertRefusedAsync(await Client(TestSigningKey.Unsigned(TokenFor(alice))).GetAsync("/sessions"), "invalid_token");
    }

    [Theory]
    [InlineData("issuer")]
    [InlineData("audience")]
    [InlineData("secret")]
    [InlineData("role")]
    public async Task TokenThatFailsACheck_IsRefused(string what)
    {
        var alice = await Database.CreateUserAsync();
        var token = what switch
        {
            "issuer" => TokenFor(alice, adjust: c => c with { Issuer = "https://someone-else.supabase.co/auth/v1" }),
            "audience" => TokenFor(alice, adjust: c => c with { Audience = "anon" }),
            "secret" => TokenFor(alice, TestSigningKey.Hs256("another-secret-that-is-also-long-enough-to-use")),
            _ => TokenFor(alice, adjust: c => c with { Role = "supabase_admin" }),
        };

        await AssertRefusedAsync(await Client(token).GetAsync("/sessions"), "invalid_token");
    }

    [Fact]
    public async Task AnonRoleToken_IsVerified_ButForbiddenOnRoutesForSignedInCallers()
    {
        var token = Key.Sign(new TokenClaims(null, Jwks.Issuer) { Role = "anon" });

        var response = await Client(token).GetAsync("/sessions");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(403, (await ProblemAsync(response)).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task NoToken_IsAskedForOne_OnUserRoutes_ButHealthIsOpen_AndARefusedTokenIsRefusedThereToo()
    {
        var anonymous = await Client(null).GetAsync("/sessions");
        var health = await Client(null).GetAsync("/healthz");
        var badTokenOnHealth = await Client("not.a.token").GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, badTokenOnHealth.StatusCode);
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string expectedInChallenge)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.Single();
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains("invalid_token", challenge.Parameter, StringComparison.Ordinal);
        var problem = await ProblemAsync(response);
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        Assert.Contains(expectedInChallenge, challenge.Parameter + problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }
}
