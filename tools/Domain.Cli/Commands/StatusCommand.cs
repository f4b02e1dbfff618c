using System.CommandLine;
using Domain.Cli.MigrationInspection;
using Domain.Persistence.MigrationSafety;

namespace Domain.Cli.Commands;

/// <summary>
/// <c>domain status</c>: applied and pending migrations, migrations edited since they were applied (checksums, as
/// Flyway's <c>validate</c>), whether the live schema still matches the model, and the newest log rows.
/// Exits 0 when all is clean, 2 when something needs attention.
/// </summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var command = new Command("status", "Show applied/pending migrations, edited migrations and schema drift");
        command.SetAction(CliOutput.ReportingFailures(RunAsync));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parseResult, CancellationToken ct)
    {
        await using var database = await CliConnection.OpenAsync(parseResult, ct);
        CliOutput.Field("server", CliConnection.Describe(database));
        var report = await MigrationStatus.ReadAsync(database.OwnerConnectionString, ct);

        CliOutput.Blank();
        CliOutput.Heading("migrations");
        foreach (var migration in report.Migrations)
        {
            var state = migration switch
            {
                { EditedSinceApplied: true } => "EDITED since applied (checksum differs)",
                { Applied: true, AppliedChecksum: null } => "applied (no checksum logged)",
                { Applied: true } => "applied, checksum ok",
                _ => MigrationLogStatus.Pending.ToText(),
            };
            CliOutput.Line($"{migration.Id,-48} {state}");
        }

        CliOutput.Blank();
        CliOutput.Field("model", report.ModelHasPendingChanges
            ? "the model has changes no migration captures: run dotnet ef migrations add"
            : "matches the migrations");
        if (report.Drift.Count == 0)
        {
            CliOutput.Field("schema", "matches the model");
        }
        else
        {
            CliOutput.Field("schema", $"{report.Drift.Count} difference(s) from the model");
            foreach (var drift in report.Drift)
            {
                CliOutput.Line($"{drift.Table}{(drift.Column is null ? string.Empty : "." + drift.Column)}: {drift.Problem}");
            }
        }

        var log = await MigrationLogReader.ReadAsync(database.OwnerConnectionString, limit: 10, ct);
        if (log.Count > 0)
        {
            CliOutput.Blank();
            CliOutput.Heading("migration log (newest first)");
            foreach (var entry in log)
            {
                var duration = entry.DurationMs is { } ms ? $"{ms} ms" : "-";
                CliOutput.Line($"{entry.StartedAt:u}  {entry.MigrationId,-40} {entry.Direction,-4} {entry.Status.ToText(),-11} "
                    + $"{duration,8}  {entry.DatabaseRole}@{entry.ClientHost} via {entry.Tool}{(entry.Error is null ? string.Empty : "  " + entry.Error)}");
            }
        }

        return report.IsClean ? 0 : 2;
    }
}
