using System.CommandLine;
using System.Globalization;
using Domain.Application;
using Domain.Application.Common;
using Domain.Application.Prompts;
using Domain.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace Domain.Cli.Commands;

/// <summary>
/// <c>domain prompts list|activate|rollback</c>: the system prompts and their versions, as the service role (an operator's
/// tool, like psql): <c>list</c> shows every prompt with its active version, or with <c>--tool</c> and <c>--provider</c> one
/// prompt's versions with their results; <c>activate</c> and <c>rollback</c> change which version is active.
/// </summary>
internal static class PromptsCommand
{
    public static Command Create()
    {
        var listTool = new Option<string?>("--tool") { Description = "With --provider: list this prompt's versions and their results" };
        var listProvider = new Option<string?>("--provider") { Description = "With --tool: the prompt's provider" };
        var list = new Command("list", "List the prompts with their active versions, or one prompt's versions with their results")
        {
            listTool,
            listProvider,
        };
        list.SetAction(CliOutput.ReportingFailures((parseResult, ct) => ListAsync(parseResult, parseResult.GetValue(listTool), parseResult.GetValue(listProvider), ct)));

        var tool = new Argument<string>("tool") { Description = "The tool the prompt is for" };
        var provider = new Argument<string>("provider") { Description = "The provider the prompt is written for" };
        var version = new Argument<int>("version") { Description = "The version number to activate" };
        var activate = new Command("activate", "Make a version the active one (forward or back)") { tool, provider, version };
        activate.SetAction(CliOutput.ReportingFailures((parseResult, ct) => RunAsync(parseResult, async (store, c) =>
        {
            var prompt = await store.ActivateAsync(Caller.Service, new ActivatePromptVersionRequest(
                parseResult.GetValue(tool)!, parseResult.GetValue(provider)!, parseResult.GetValue(version)), c);
            CliOutput.Field("activated", Describe(prompt));
        }, ct)));

        var to = new Option<int?>("--to") { Description = "The older version to go back to (default: the newest one older than the active)", HelpName = "N" };
        var rollback = new Command("rollback", "Activate an earlier version; later versions are kept") { tool, provider, to };
        rollback.SetAction(CliOutput.ReportingFailures((parseResult, ct) => RunAsync(parseResult, async (store, c) =>
        {
            var prompt = await store.RollBackAsync(Caller.Service, new RollBackPromptRequest(
                parseResult.GetValue(tool)!, parseResult.GetValue(provider)!, parseResult.GetValue(to)), c);
            CliOutput.Field("rolled back", Describe(prompt));
        }, ct)));

        return new Command("prompts", "System prompts: list, activate, roll back (as the service role)") { list, activate, rollback };
    }

    /// <summary>One line per prompt, as <c>prompts list</c> and <c>domain up</c> print them.</summary>
    public static void Print(IReadOnlyList<PromptDto> prompts)
    {
        CliOutput.Field("prompts", $"{prompts.Count} prompt(s) and the version of each that is active");
        var width = prompts.Count == 0 ? 0 : prompts.Max(p => p.ToolName.Length + p.Provider.Length + 1);
        foreach (var prompt in prompts)
        {
            CliOutput.Line($"{$"{prompt.ToolName}/{prompt.Provider}".PadRight(width + 2)}{Active(prompt)}");
        }
    }

    private static async Task<int> ListAsync(ParseResult parseResult, string? tool, string? provider, CancellationToken ct)
    {
        if ((tool is null) != (provider is null))
        {
            throw new InvalidOperationException("--tool and --provider go together: both name one prompt.");
        }

        return await RunAsync(parseResult, async (store, c) =>
        {
            if (tool is null || provider is null)
            {
                Print(await store.ListAsync(Caller.Service, c));
                return;
            }

            var versions = await store.ListVersionsAsync(Caller.Service, new PromptVersionsRequest(tool, provider), c);
            CliOutput.Field("versions", $"{tool}/{provider}: {versions.Count} version(s), newest first, * active");
            foreach (var v in versions)
            {
                CliOutput.Line($"{(v.IsActive ? "*" : " ")} v{v.VersionNumber,-4}{v.CreatedAt:yyyy-MM-dd HH:mm}  {v.ContentHash[..12]}  "
                    + $"{v.ContentLength.ToString("N0", CultureInfo.InvariantCulture),8} chars  {Results(v.Results)}{(v.Notes is null ? string.Empty : $"  ({v.Notes})")}");
            }
        }, ct);
    }

    private static async Task<int> RunAsync(ParseResult parseResult, Func<PromptStore, CancellationToken, Task> action, CancellationToken ct)
    {
        await using var database = await CliConnection.OpenAsync(parseResult, ct);
        CliOutput.Field("server", CliConnection.Describe(database));
        await using var provider = new ServiceCollection()
            .AddDomainPersistence(database.OwnerConnectionString)
            .AddDomainApplication()
            .BuildServiceProvider();
        await action(provider.GetRequiredService<PromptStore>(), ct);
        return 0;
    }

    private static string Describe(PromptDto prompt) => $"{prompt.ToolName}/{prompt.Provider}: {Active(prompt)}";

    private static string Active(PromptDto prompt) => prompt.ActiveVersionNumber is { } active
        ? $"v{active} of {prompt.LastVersionNumber} active since {prompt.ActivatedAt:yyyy-MM-dd HH:mm:ss}Z, tier {prompt.Tier}"
        : $"no active version, tier {prompt.Tier}";

    private static string Results(PromptVersionResultsDto? results) => results switch
    {
        null => "results: not readable",
        { Runs: 0 } => "no runs",
        _ => FormattableString.Invariant(
            $"{results.Runs} runs, {results.SuccessRate:P0} ok, median {results.MedianLatencyMs:0} ms{Quality(results.AverageQualityScore)}"),
    };

    private static string Quality(double? score) => score is { } q ? FormattableString.Invariant($", quality {q:0.00}") : string.Empty;
}
