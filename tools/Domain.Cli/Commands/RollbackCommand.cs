using System.CommandLine;
using Domain.Cli.MigrationInspection;
using Domain.DevDatabase;

namespace Domain.Cli.Commands;

/// <summary>
/// <c>domain rollback --to &lt;migration&gt; [--yes] [--backup file]</c>: shows what the Down steps will drop (tables
/// with their row counts), then reverts. Without <c>--yes</c> it asks, and refuses when nobody can answer.
/// </summary>
internal static class RollbackCommand
{
    private static readonly Option<string> To = new("--to")
    {
        Description = "The migration to keep as the newest applied one; 0 reverts every migration",
        HelpName = "migration",
        Required = true,
    };

    private static readonly Option<bool> Yes = new("--yes", "-y") { Description = "Do not ask before dropping" };

    public static Command Create()
    {
        var command = new Command("rollback", "Revert migrations down to --to, after showing what will be dropped") { To, Yes, BackupOption.Option };
        command.SetAction(CliOutput.ReportingFailures(RunAsync));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parseResult, CancellationToken ct)
    {
        await using var database = await CliConnection.OpenAsync(parseResult, ct);
        CliOutput.Field("server", CliConnection.Describe(database));
        var plan = await RollbackPlan.CreateAsync(database.OwnerConnectionString, parseResult.GetValue(To)!, ct);
        if (plan.Reverted.Count == 0)
        {
            CliOutput.Field("rollback", $"nothing to revert: {plan.Target} is the newest applied migration");
            return 0;
        }

        CliOutput.Field("reverts", string.Join(", ", plan.Reverted));
        CliOutput.Heading("will drop");
        foreach (var loss in plan.Losses)
        {
            CliOutput.Line(loss.Rows is { } rows ? $"{loss.What} ({rows} rows)" : loss.What);
        }

        if (!parseResult.GetValue(Yes) && !Confirm())
        {
            await Console.Error.WriteLineAsync("rollback not confirmed; nothing was changed (pass --yes to skip the question)");
            return 3;
        }

        await BackupOption.TakeIfRequestedAsync(parseResult, database.OwnerConnectionString, ct);
        var run = await SchemaMigrator.MigrateAsync(database.OwnerConnectionString, plan.Target, CliOutput.Progress, ct);
        foreach (var name in run.Reverted)
        {
            CliOutput.Field("reverted", name);
        }

        return 0;
    }

    private static bool Confirm()
    {
        if (Console.IsInputRedirected)
        {
            return false;
        }

        Console.Write("type 'yes' to drop the above: ");
        return string.Equals(Console.ReadLine()?.Trim(), "yes", StringComparison.Ordinal);
    }
}
