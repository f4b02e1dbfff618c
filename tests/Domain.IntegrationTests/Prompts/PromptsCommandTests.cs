using Domain.Application;
using Domain.Application.Common;
using Domain.Application.Prompts;
using Domain.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Domain.IntegrationTests.Prompts;

/// <summary><c>domain prompts list|activate|rollback</c>, the real tool as a separate process, on the test database.</summary>
public sealed class PromptsCommandTests(MigratedDatabase database) : DatabaseTest(database)
{
    [Fact]
    public async Task ListActivateAndRollBack_ChangeAndShowTheActiveVersion()
    {
        await using (var services = new ServiceCollection().AddSingleton(Database.Contexts).AddDomainApplication().BuildServiceProvider())
        {
            var store = services.GetRequiredService<PromptStore>();
            foreach (var content in new[] { "one", "two", "three" })
            {
                await store.StoreVersionAsync(Caller.Service, new StorePromptVersionRequest("codereview", "kimi", content, Tier: 2));
            }
        }

        var activated = await RunAsync("prompts", "activate", "codereview", "kimi", "3");
        var rolledBack = await RunAsync("prompts", "rollback", "codereview", "kimi");
        var listed = await RunAsync("prompts", "list");
        var versions = await RunAsync("prompts", "list", "--tool", "codereview", "--provider", "kimi");

        Assert.Contains("codereview/kimi: v3 of 3 active", activated, StringComparison.Ordinal);
        Assert.Contains("codereview/kimi: v2 of 3 active", rolledBack, StringComparison.Ordinal);
        Assert.Contains("1 prompt(s)", listed, StringComparison.Ordinal);
        Assert.Matches(@"codereview/kimi\s+v2 of 3 active since .*, tier 2", listed);
        Assert.Matches(@"\* v2 ", versions);
        Assert.Contains("no runs", versions, StringComparison.Ordinal);
        Assert.Equal(2, await Database.ScalarAsync<int>("SELECT active_version_number FROM public.system_prompts"));
    }

    [Fact]
    public async Task RollingBackWithNothingEarlier_OrAnUnknownVersion_FailsWithOneLine_AndChangesNothing()
    {
        await using (var services = new ServiceCollection().AddSingleton(Database.Contexts).AddDomainApplication().BuildServiceProvider())
        {
            await services.GetRequiredService<PromptStore>().StoreVersionAsync(Caller.Service, new StorePromptVersionRequest("chat", "glm", "only"));
        }

        var rollback = await CliRunner.RunAsync("prompts", "rollback", "chat", "glm", "--connection", Database.AdminConnectionString);
        var activate = await CliRunner.RunAsync("prompts", "activate", "chat", "glm", "9", "--connection", Database.AdminConnectionString);

        Assert.Equal((1, "error: Prompt chat/glm has no version older than the active version 1 to roll back to"), (rollback.ExitCode, rollback.Error.Trim()));
        Assert.Equal((1, "error: PromptVersion chat/glm version 9 was not found"), (activate.ExitCode, activate.Error.Trim()));
        Assert.Equal(1, await Database.ScalarAsync<int>("SELECT active_version_number FROM public.system_prompts"));
    }

    private async Task<string> RunAsync(params string[] arguments)
    {
        var result = await CliRunner.RunAsync([.. arguments, "--connection", Database.AdminConnectionString]);
        Assert.True(result.ExitCode == 0, result.Error);
        return result.Output;
    }
}
