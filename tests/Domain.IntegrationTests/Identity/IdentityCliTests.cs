using System.Text.RegularExpressions;
using Domain.Application;
using Domain.Application.Identity;
using Domain.DevDatabase;
using Domain.IntegrationTests.Infrastructure;
using Domain.IntegrationTests.Migrations;
using Domain.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace Domain.IntegrationTests.Identity;

/// <summary>
/// The <c>domain</c> tool's identity commands, run as a process against a database of their own (<c>profiles list</c>
/// and <c>audit recent</c> print what <c>domain up</c>'s report, which CI runs, shows too).
/// </summary>
[Collection(MigrationsCollection.Name)]
public sealed partial class IdentityCliTests
{
    [Fact]
    public async Task KeysCreate_PrintsTheSecretOnce_ThatVerifies_AndNothingElseEverShowsIt()
    {
        await using var database = await ScratchDatabase.CreateAsync("cli_keys");
        var connection = database.ConnectionString;
        await MigrateAsync(connection);
        var user = Guid.CreateVersion7();
        await database.ExecuteAsync($"INSERT INTO auth.users (id, email) VALUES ('{user}', 'cli@example.test')");

        var created = await CliRunner.RunAsync(
            "keys", "create", "--user", user.ToString(), "--scope", "sessions:read", "--scope", "sessions:write", "--expires", "30d", "--connection", connection);

        Assert.True(created.ExitCode == 0, created.Error);
        var secret = Assert.Single(SecretLine().Matches(created.Output)).Groups[1].Value;
        await using (var services = new ServiceCollection()
            .AddSingleton(new DomainDbContextFactory(DomainDbContextOptions.Create(connection)))
            .AddDomainApplication()
            .BuildServiceProvider())
        {
            var verified = await services.GetRequiredService<ApiKeyStore>().VerifyAsync(secret, ["sessions:write"]);
            Assert.Equal(user, verified.Caller?.UserId);
        }

        var listed = await CliRunner.RunAsync("keys", "list", "--user", user.ToString(), "--connection", connection);
        Assert.Contains(secret[..11] + "…", listed.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, listed.Output, StringComparison.Ordinal);

        var keyId = KeyLine().Match(listed.Output).Groups[1].Value;
        var revoked = await CliRunner.RunAsync("keys", "revoke", "--id", keyId, "--connection", connection);
        Assert.Contains("revoked", revoked.Output, StringComparison.Ordinal);

        var history = await CliRunner.RunAsync("audit", "history", "--table", "api_keys", "--id", keyId, "--connection", connection);
        Assert.Contains("2 entries about api_keys", history.Output, StringComparison.Ordinal);
        Assert.Contains("by service_role", history.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, history.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Profiles_AreListedShownAndChanged_ThroughTheTool()
    {
        await using var database = await ScratchDatabase.CreateAsync("cli_profiles");
        var connection = database.ConnectionString;
        await MigrateAsync(connection);
        var user = Guid.CreateVersion7();
        await database.ExecuteAsync($$"""INSERT INTO auth.users (id, email, raw_user_meta_data) VALUES ('{{user}}', 'p@example.test', '{"name": "Pat"}')""");

        var updated = await CliRunner.RunAsync("profiles", "update", "--user", user.ToString(), "--preferences", """{"theme":"dark"}""", "--connection", connection);
        Assert.True(updated.ExitCode == 0, updated.Error);
        Assert.Contains("\"Pat\"", updated.Output, StringComparison.Ordinal);
        Assert.Contains("admin", (await CliRunner.RunAsync("profiles", "set-role", "--user", user.ToString(), "--role", "admin", "--connection", connection)).Output,
            StringComparison.Ordinal);
        Assert.Contains("1,000 tokens", (await CliRunner.RunAsync("profiles", "set-limits", "--user", user.ToString(), "--tokens", "1000", "--connection", connection)).Output,
            StringComparison.Ordinal);

        var shown = await CliRunner.RunAsync("profiles", "show", "--user", user.ToString(), "--connection", connection);
        Assert.Contains("0 tokens", shown.Output, StringComparison.Ordinal);
        Assert.Contains("within the limits", shown.Output, StringComparison.Ordinal);

        var bad = await CliRunner.RunAsync("profiles", "update", "--user", user.ToString(), "--avatar-url", "not a url", "--connection", connection);
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("Avatar Url", bad.Error, StringComparison.Ordinal);
    }

    private static Task MigrateAsync(string connection)
        => SchemaMigrator.MigrateAsync(connection, target: null, progress: null, CancellationToken.None);

    [GeneratedRegex(@"^secret\s+(dk_[A-Za-z0-9_-]{43})\s*$", RegexOptions.Multiline)]
    private static partial Regex SecretLine();

    [GeneratedRegex(@"^key\s+([0-9a-f-]{36})", RegexOptions.Multiline)]
    private static partial Regex KeyLine();
}
