using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Domain.Application.Common;
using Domain.Application.Identity;
using Domain.AspNetCore;
using Domain.AspNetCore.Authorization;
using Domain.Identity;
using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Domain.IntegrationTests.Http;

/// <summary>
/// <c>AddApiKeys</c> in an application of its own, without the API: the role PostgreSQL runs a key's request as (the
/// owner's, never the service role, even where service-role tokens are allowed) and a scope required through a policy.
/// </summary>
public sealed class ApiKeyPipelineTests(MigratedDatabase database) : DatabaseTest(database)
{
    [Fact]
    public async Task AKeysRequest_RunsInPostgresAsItsOwnersRole_NeverTheServiceRole()
    {
        var alice = await Database.CreateUserAsync();
        var admin = await Database.CreateUserAsync();
        var bob = await Database.CreateUserAsync();
        await Database.SessionWithOneOfEachAsync(alice);
        await Database.SessionWithOneOfEachAsync(bob);
        await using var app = await StartAsync();
        await app.Services.GetRequiredService<ProfileStore>().SetRoleAsync(Caller.Service, admin, new SetRoleRequest(UserRole.Admin));
        var alicesKey = await IssueAsync(app, alice, "sessions:read");
        var adminsKey = await IssueAsync(app, admin, "sessions:read");

        var asAlice = await WhoAmIAsync(app, alicesKey);
        var asAdmin = await WhoAmIAsync(app, adminsKey);

        Assert.Equal(("authenticated", alice.ToString(), 1), asAlice);
        Assert.Equal(("domain_admin", admin.ToString(), 2), asAdmin);
    }

    [Fact]
    public async Task AScopeRequiredThroughAPolicy_IsCheckedForKeys()
    {
        var alice = await Database.CreateUserAsync();
        await using var app = await StartAsync();
        var reader = await IssueAsync(app, alice, "sessions:read");
        var other = await IssueAsync(app, alice, "files:read");

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(app, "/scoped", reader)).StatusCode);
        var refused = await SendAsync(app, "/scoped", other);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("missing_scope", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.GetTestClient().GetAsync("/scoped")).StatusCode);
    }

    private static async Task<(string Role, string Sub, int Sessions)> WhoAmIAsync(WebApplication app, string key)
    {
        var response = await SendAsync(app, "/whoami", key);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("role").GetString()!, body.GetProperty("sub").GetString()!, body.GetProperty("sessions").GetInt32());
    }

    private static async Task<HttpResponseMessage> SendAsync(WebApplication app, string path, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Api-Key", key);
        return await app.GetTestClient().SendAsync(request);
    }

    private static async Task<string> IssueAsync(WebApplication app, Guid owner, string scope)
        => (await app.Services.GetRequiredService<ApiKeyStore>().CreateAsync(Caller.Service, new CreateApiKeyRequest("test", [scope], UserId: owner))).Secret;

    private async Task<WebApplication> StartAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration["ConnectionStrings:Domain"] = Database.AppConnectionString;
        builder.Configuration["Supabase:Url"] = "http://127.0.0.1:9";
        builder.Configuration["Supabase:AllowServiceRole"] = "true";
        builder.AddDomainForSupabase().AddApiKeys();

        var app = builder.Build();
        app.UseDomainForSupabase();
        app.MapGet("/whoami", ReportAsync).RequireAuthorization();
        app.MapGet("/scoped", () => Results.Ok()).RequireAuthorization(policy => policy.RequireApiKeyScope("sessions:read"));
        await app.StartAsync();
        return app;
    }

    /// <summary>What PostgreSQL itself says about the request: its role, the claims' <c>sub</c>, and the sessions it sees.</summary>
    private static async Task<IResult> ReportAsync(DomainDbContext db, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var role = (await db.Database.SqlQueryRaw<string>("SELECT current_user::text AS \"Value\"").ToListAsync(cancellationToken)).Single();
        var sub = (await db.Database.SqlQueryRaw<string>("SELECT current_setting('request.jwt.claims', true)::jsonb ->> 'sub' AS \"Value\"").ToListAsync(cancellationToken)).Single();
        var sessions = await db.Sessions.CountAsync(cancellationToken);
        return Results.Ok(new { role, sub, sessions });
    }
}
