using System.CommandLine;
using Domain.Cli.MigrationInspection;

namespace Domain.Cli.Commands;

/// <summary>
/// <c>domain freeze</c>: writes the frozen SQL of every migration that has none (what the migration generates, Up and
/// Down, through the migrator the bundles use). Needs no database. Frozen files that exist are never rewritten.
/// </summary>
internal static class FreezeCommand
{
    public static Command Create()
    {
        var command = new Command("freeze", $"Write the frozen SQL ({FrozenMigrationSql.FolderInRepository}/) of every migration that has none");
        command.SetAction(CliOutput.ReportingFailures((_, _) => Task.FromResult(Run())));
        return command;
    }

    private static int Run()
    {
        var written = FrozenMigrationSql.WriteMissingFiles();
        foreach (var path in written)
        {
            CliOutput.Field("froze", Path.GetRelativePath(Directory.GetCurrentDirectory(), path));
        }

        if (written.Count == 0)
        {
            CliOutput.Field("froze", "nothing: every migration has its frozen SQL");
        }

        return 0;
    }
}
