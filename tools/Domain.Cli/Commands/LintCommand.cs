using System.CommandLine;
using Domain.Cli.MigrationInspection;

namespace Domain.Cli.Commands;

/// <summary>
/// <c>domain lint</c>: fails on a migration that drops, narrows or renames a table or column unless it says it
/// means to, and warns about index builds that block writes. Needs no database.
/// </summary>
internal static class LintCommand
{
    public static Command Create()
    {
        var command = new Command("lint", "Check the migrations for destructive changes and locking index builds");
        command.SetAction(CliOutput.ReportingFailures((_, _) => Task.FromResult(Run())));
        return command;
    }

    private static int Run()
    {
        var migrations = MigrationLinter.ShippedMigrations();

        var findings = migrations.SelectMany(MigrationLinter.Lint).ToList();
        foreach (var finding in findings)
        {
            CliOutput.Line($"{finding.Severity.ToString().ToLowerInvariant(),-8} {finding.MigrationId}  [{finding.Rule}] {finding.Message}");
        }

        var errors = findings.Count(f => f.Severity == LintSeverity.Error);
        CliOutput.Field("lint", $"{migrations.Count} migration(s), {errors} error(s), "
            + $"{findings.Count(f => f.Severity == LintSeverity.Warning)} warning(s), {findings.Count(f => f.Severity == LintSeverity.Allowed)} declared");
        return errors == 0 ? 0 : 1;
    }
}
