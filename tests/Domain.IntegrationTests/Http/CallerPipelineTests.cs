using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using Domain.Application.Common;
using Domain.AspNetCore;
using Domain.AspNetCore.Authentication;
using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Domain.IntegrationTests.Http;

/// <summary>
/// The library as an application uses it, without the API: an endpoint that asks for a <see cref="DomainDbContext"/>
/// and the <see cref="Caller"/>, anonymous requests, a second caller scheme plugged in, and an unreachable database.
/// </summary>
public sealed class CallerPipelineTests(MigratedDatabase database) : DatabaseTest(database)
{
    private const string TestScheme = "TestKey";
    private const string TestHeader = "X-Test-User";

    [Fact]
    public async Task RequestWithoutCredentials_ActsAsAnonymous_AndTheContextReachesNoRow()
    {
        var alice = await Database.CreateUserAsync();
        await Database.SessionWithOneOfEachAsync(alice);
        await using var app = await StartAsync(Database.AppConnectionString);

        var seen = await app.GetTestClient().GetFromJsonAsync<JsonElement>("/open/sessions");

        Assert.Equal("anon", seen.GetProperty("caller").GetString());
        Assert.Equal(0, seen.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task SecondCallerScheme_PlugsIn_AndItsCallerActsForTheRequest()
    {
        var alice = await Database.CreateUserAsync();
        var bob = await Database.CreateUserAsync();
        await Database.SessionWithOneOfEachAsync(alice);
        await Database.SessionWithOneOfEachAsync(bob);
        await Database.SessionWithOneOfEachAsync(bob);
        await using var app = await StartAsync(Database.AppConnectionString);
        var client = app.GetTestClient();

        var asBob = await SendAsync(client, "/signed-in/sessions", bob.ToString());
        var refused = await SendAsync(client, "/signed-in/sessions", "not-a-user-id");
        var refusedOnOpenRoute = await SendAsync(client, "/open/sessions", "not-a-user-id");

        Assert.Equal(HttpStatusCode.OK, asBob.StatusCode);
        var body = await asBob.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, body.GetProperty("count").GetInt32());
        Assert.Equal($"authenticated:{bob}", body.GetProperty("caller").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refusedOnOpenRoute.StatusCode);
    }

    [Fact]
    public async Task UnreachableDatabase_Is503_WithRetryAfter_AndHealthSaysSo()
    {
        var closedPort = new Npgsql.NpgsqlConnectionStringBuilder(Database.AppConnectionString) { Port = 1, Timeout = 2 }.ConnectionString;
        await using var app = await StartAsync(closedPort);
        var client = app.GetTestClient();

        var response = await SendAsync(client, "/signed-in/sessions", Guid.CreateVersion7().ToString());
        var health = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        var report = await health.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Unhealthy", report.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string path, string user)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add(TestHeader, user);
        return await client.SendAsync(request);
    }

    private static async Task<WebApplication> StartAsync(string connectionString)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration["ConnectionStrings:Domain"] = connectionString;
        builder.Configuration["Supabase:Url"] = "http://127.0.0.1:9";
        builder.AddDomainForSupabase()
            .AddCallerScheme<AuthenticationSchemeOptions, TestCallerHandler>(TestScheme, context => context.Request.Headers.ContainsKey(TestHeader));

        var app = builder.Build();
        app.UseDomainForSupabase();
        app.MapDomainHealthChecks();
        app.MapGet("/open/sessions", CountAsync);
        app.MapGet("/signed-in/sessions", CountAsync).RequireAuthorization();
        await app.StartAsync();
        return app;
    }

    private static async Task<IResult> CountAsync(DomainDbContext db, Caller caller)
        => Results.Ok(new { caller = caller.ToString(), count = await db.Sessions.CountAsync() });

    /// <summary>Stands in for the API-key scheme: the header names the user, or is refused when it is not a user id.</summary>
    private sealed class TestCallerHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!Guid.TryParse(Request.Headers[TestHeader], out var userId))
            {
                return Task.FromResult(AuthenticateResult.Fail("The test key names no user."));
            }

            var identity = new CallerIdentity(Caller.User(userId), Scheme.Name, [new Claim("sub", userId.ToString())]);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
        }
    }
}
