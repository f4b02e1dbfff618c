using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Domain.IntegrationTests.Infrastructure;

namespace Domain.IntegrationTests.Http;

/// <summary>
/// Base of the tests through HTTP: a local JWKS endpoint publishing <see cref="Key"/> (ES256), and the API started
/// in-process over the shared database, trusting it. Each test gets both anew.
/// </summary>
public abstract class ApiTest : DatabaseTest
{
    protected static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    protected ApiTest(MigratedDatabase database)
        : base(database)
    {
    }

    protected TestSigningKey Key { get; } = TestSigningKey.Es256("key-1");

    protected LocalJwksServer Jwks { get; private set; } = null!;

    protected ApiHost Api { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Jwks = await LocalJwksServer.StartAsync(Key);
        Api = CreateApi();
    }

    public override async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        await Jwks.DisposeAsync();
        await base.DisposeAsync();
    }

    /// <summary>The API this test talks to; override to start it with other settings.</summary>
    protected virtual ApiHost CreateApi() => ApiHost.Create(Database, Jwks);

    /// <summary>A user's access token as Supabase Auth issues it, signed with <paramref name="key"/> (default: <see cref="Key"/>).</summary>
    protected string TokenFor(Guid userId, TestSigningKey? key = null, Func<TokenClaims, TokenClaims>? adjust = null)
    {
        var claims = new TokenClaims(userId, Jwks.Issuer);
        return (key ?? Key).Sign(adjust is null ? claims : adjust(claims));
    }

    /// <summary>A client that sends <paramref name="token"/> as its bearer token (none when null).</summary>
    protected HttpClient Client(string? token)
    {
        var client = Api.CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    protected HttpClient ClientFor(Guid userId) => Client(TokenFor(userId));

    protected static async Task<T> ReadAsync<T>(HttpResponseMessage response)
        => (await response.Content.ReadFromJsonAsync<T>(Json))!;

    protected static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
