using System.Text.Json.Nodes;
using Domain.Application;
using Domain.Application.Common;
using Domain.Application.Identity;
using Domain.Identity;
using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence.Rls;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Domain.IntegrationTests.Identity;

/// <summary>
/// The profile's role is the one source of who is an admin: the access token hook (on plain PostgreSQL, called as the
/// owner, as nobody else may) and <see cref="ProfileCallers"/> in .NET agree for every role a profile can hold, and a
/// token that is older than a role change acts as the profile says now.
/// </summary>
public sealed class RoleFromProfileTests : DatabaseTest
{
    private readonly ServiceProvider _services;
    private readonly ProfileCallers _callers;
    private readonly ProfileStore _profiles;

    public RoleFromProfileTests(MigratedDatabase database)
        : base(database)
    {
        _services = new ServiceCollection().AddSingleton(database.Contexts).AddDomainApplication().BuildServiceProvider();
        _callers = _services.GetRequiredService<ProfileCallers>();
        _profiles = _services.GetRequiredService<ProfileStore>();
    }

    public override async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task TheHookAndDotNet_AgreeOnEveryRoleAProfileHolds()
    {
        var user = await Database.CreateUserAsync("someone@example.test");
        foreach (var role in new[] { UserRole.User, UserRole.Admin, UserRole.User })
        {
            await _profiles.SetRoleAsync(Caller.Service, user, new SetRoleRequest(role));

            // What Supabase Auth would put in the next token, read by the layer as any verified token is.
            var token = await HookAsync(user, """{"aud": "authenticated", "role": "authenticated", "app_metadata": {"provider": "email"}}""");
            var fromToken = Caller.FromVerifiedClaims(token.ToJsonString());
            var fromProfile = await _callers.ForUserAsync(user);

            Assert.Equal(role == UserRole.Admin, fromToken.IsAdmin);
            Assert.Equal(role == UserRole.Admin, fromProfile.IsAdmin);
            Assert.Equal(role == UserRole.Admin ? "admin" : "user", (string)token["app_metadata"]!["role"]!);
            Assert.Equal("email", (string)token["app_metadata"]!["provider"]!);
        }
    }

    [Fact]
    public async Task ATokenOlderThanARoleChange_ActsAsTheProfileSaysNow()
    {
        var (demoted, promoted, other) = (await Database.CreateUserAsync(), await Database.CreateUserAsync(), await Database.CreateUserAsync());
        await Database.SessionWithOneOfEachAsync(other, "other's");
        await _profiles.SetRoleAsync(Caller.Service, promoted, new SetRoleRequest(UserRole.Admin));
        var adminToken = $$"""{"sub": "{{demoted}}", "role": "domain_admin", "app_metadata": {"role": "admin"}, "session_id": "s1"}""";
        var userToken = $$"""{"sub": "{{promoted}}", "role": "authenticated", "app_metadata": {"role": "user"}, "session_id": "s2"}""";

        var wasAdmin = await _callers.FromVerifiedClaimsAsync(adminToken);
        var nowAdmin = await _callers.FromVerifiedClaimsAsync(userToken);

        Assert.False(wasAdmin.IsAdmin);
        Assert.True(nowAdmin.IsAdmin);
        var pipeline = _services.GetRequiredService<RequestPipeline>();
        Assert.Equal(0, await pipeline.RunAsync(wasAdmin, (db, ct) => db.Sessions.CountAsync(ct), default));
        Assert.Equal(1, await pipeline.RunAsync(nowAdmin, (db, ct) => db.Sessions.CountAsync(ct), default));
        Assert.Equal(demoted, wasAdmin.UserId);

        Assert.Same(Caller.Service, await _callers.ResolveAsync(Caller.Service));
        Assert.Same(Caller.Anonymous, await _callers.ResolveAsync(Caller.Anonymous));
    }

    [Fact]
    public async Task NoProfile_NeverMakesAnAdmin()
    {
        var stranger = Guid.CreateVersion7();

        Assert.False((await _callers.ForUserAsync(stranger)).IsAdmin);
        Assert.False((await _callers.FromVerifiedClaimsAsync($$"""{"sub": "{{stranger}}", "role": "domain_admin"}""")).IsAdmin);
        Assert.Equal("user", (string)(await HookAsync(stranger, """{"role": "domain_admin"}"""))["app_metadata"]!["role"]!);
        Assert.Equal(RlsClaims.AuthenticatedRole, (string)(await HookAsync(stranger, """{"role": "domain_admin"}"""))["role"]!);
    }

    [Fact]
    public async Task OnPlainPostgres_NoApiRoleMayCallTheHook()
    {
        foreach (var role in RlsClaims.DatabaseRoles)
        {
            Assert.False(await Database.ScalarAsync<bool>(
                $"SELECT has_function_privilege('{role}', 'domain_private.custom_access_token_hook(jsonb)', 'EXECUTE')"), role);
        }

        Assert.False(await Database.ScalarAsync<bool>(
            "SELECT has_function_privilege('domain_app', 'domain_private.custom_access_token_hook(jsonb)', 'EXECUTE')"));
    }

    private async Task<JsonNode> HookAsync(Guid user, string claims)
    {
        var claimsWithSubject = JsonNode.Parse(claims)!.AsObject();
        claimsWithSubject["sub"] = user.ToString();
        var result = await Database.ScalarAsync<string>(
            "SELECT domain_private.custom_access_token_hook(@event::jsonb)::text",
            ("event", $$"""{"user_id": "{{user}}", "claims": {{claimsWithSubject.ToJsonString()}}}"""));
        return JsonNode.Parse(result!)!["claims"]!;
    }
}
