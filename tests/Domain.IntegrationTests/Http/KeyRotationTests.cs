using System.Net;
using Domain.IntegrationTests.Infrastructure;

namespace Domain.IntegrationTests.Http;

/// <summary>
/// Supabase's rotation, mid-run: a standby key is published, then signs new tokens, then the old key is revoked. The
/// API picks the new key up on the first request that meets it, and stops trusting the revoked one once its cached
/// keys are due for a refresh (the application runs on a fake clock here, so no test waits).
/// </summary>
public sealed class KeyRotationTests(MigratedDatabase database) : ApiTest(database)
{
    protected override ApiHost CreateApi() => ApiHost.Create(Database, Jwks, fakeClock: true);

    [Fact]
    public async Task RotatedKey_IsTrustedOnItsFirstRequest_AndTheRevokedKey_StopsVerifyingAfterTheRefreshInterval()
    {
        var alice = await Database.CreateUserAsync();
        await Database.SessionWithOneOfEachAsync(alice);
        var oldToken = TokenFor(alice);
        Assert.Equal(HttpStatusCode.OK, (await Client(oldToken).GetAsync("/sessions")).StatusCode);
        Assert.Equal(1, Jwks.Fetches);

        // Supabase publishes a standby key before it signs with it; here it signs a minute after the last fetch.
        var rotated = TestSigningKey.Es256("key-2");
        Jwks.Publish(Key, rotated);
        Api.Clock.Advance(TimeSpan.FromMinutes(1));
        var newToken = TokenFor(alice, rotated);
        var firstWithNewKey = await Client(newToken).GetAsync("/sessions");
        var oldStillTrusted = await Client(oldToken).GetAsync("/sessions");

        Assert.Equal(HttpStatusCode.OK, firstWithNewKey.StatusCode);
        Assert.Equal(alice, Assert.Single((await ReadAsync<Domain.Api.SessionPage>(firstWithNewKey)).Items).UserId);
        Assert.Equal(HttpStatusCode.OK, oldStillTrusted.StatusCode);
        Assert.Equal(2, Jwks.Fetches);

        Jwks.Publish(rotated);
        Assert.Equal(HttpStatusCode.OK, (await Client(oldToken).GetAsync("/sessions")).StatusCode);
        Api.Clock.Advance(TimeSpan.FromMinutes(11));
        var revoked = await Client(oldToken).GetAsync("/sessions");
        var current = await Client(newToken).GetAsync("/sessions");

        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        Assert.Equal(3, Jwks.Fetches);
    }

    [Fact]
    public async Task TokenSignedWithAnUnknownKey_IsRefused_AfterOneFetch_AndMoreMadeUpKeyIdsDoNotFetchAgainWithinTheMinimumInterval()
    {
        var alice = await Database.CreateUserAsync();
        Assert.Equal(HttpStatusCode.OK, (await ClientFor(alice).GetAsync("/sessions")).StatusCode);
        Api.Clock.Advance(TimeSpan.FromMinutes(1));

        var first = await Client(TokenFor(alice, TestSigningKey.Es256("not-published"))).GetAsync("/sessions");
        var fetchesAfterFirst = Jwks.Fetches;
        var more = new List<HttpResponseMessage>();
        for (var i = 0; i < 5; i++)
        {
            more.Add(await Client(TokenFor(alice, TestSigningKey.Es256($"made-up-{i}"))).GetAsync("/sessions"));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        Assert.Equal(2, fetchesAfterFirst);
        Assert.All(more, r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        Assert.Equal(2, Jwks.Fetches);
    }
}
