using System.CommandLine;
using Domain.DevDatabase;

namespace Domain.Cli.Commands;

/// <summary><c>domain migrate [--to &lt;migration&gt;]</c>: applies pending migrations, or migrates to a target.</summary>
internal static class MigrateCommand
{
    private static readonly Option<string?> To = new("--to")
    {
        Description = "Migrate up or down to this migration (its id or name); 0 reverts every migration",
        HelpName = "migration",
    };

    public static Command Create()
    {
        var command = new Command("migrate", "Apply pending migrations, or migrate to --to") { To, BackupOption.Option };
        command.SetAction(CliOutput.ReportingFailures(RunAsync));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parseResult, CancellationToken ct)
    {
        var target = parseResult.GetValue(To);
        if (target is not null && string.IsNullOrWhiteSpace(target))
        {
            throw new InvalidOperationException("--to needs a migration id or name, or 0 to revert all.");
        }

        await using var database = await CliConnection.OpenAsync(parseResult, ct);
        CliOutput.Field("server", CliConnection.Describe(database));

        await BackupOption.TakeIfRequestedAsync(parseResult, database.OwnerConnectionString, ct);
        var run = await SchemaMigrator.MigrateAsync(database.OwnerConnectionString, target, CliOutput.Progress, ct);
        foreach (var name in run.Reverted)
        {
            CliOutput.Field("reverted", name);
        }

        foreach (var name in run.Applied)
        {
            CliOutput.Field("applied", name);
        }

        if (run.Applied.Count == 0 && run.Reverted.Count == 0)
        {
            CliOutput.Field("migrations", run.AppliedBefore.Count == 0
                ? "nothing to do: no migration applied, none pending"
                : $"nothing to do: {run.AppliedBefore.Count} already applied, up to {run.AppliedBefore[^1]}");
        }

        return 0;
    }
}
