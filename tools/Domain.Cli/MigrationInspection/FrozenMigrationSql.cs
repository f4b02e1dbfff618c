using Domain.DevDatabase;
using Domain.Persistence;
using Domain.Persistence.MigrationSafety;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Domain.Cli.MigrationInspection;

/// <summary>
/// The frozen SQL of the shipped migrations: <c>src/Domain.Persistence/Migrations/Frozen/&lt;migration id&gt;.up.sql</c> and
/// <c>.down.sql</c>, each the <see cref="MigrationScript"/> of its migration as it was when the migration was added.
/// The SHA-256 of an <c>.up.sql</c> file is the checksum the migration log records for that migration.
/// </summary>
internal static class FrozenMigrationSql
{
    /// <summary>
    /// Set to <c>1</c> to make <c>FrozenMigrationSqlTests</c> write the frozen SQL of migrations that have none, as
    /// <see cref="WriteCommand"/> does. Existing files are never rewritten.
    /// </summary>
    public const string WriteVariable = "DOMAIN_WRITE_MIGRATION_SQL";

    public const string FolderInRepository = "src/Domain.Persistence/Migrations/Frozen";

    public const string WriteCommand = "dotnet run --project tools/Domain.Cli -- freeze";

    public static readonly string[] Directions = ["up", "down"];

    /// <summary>Generating SQL needs no database: nothing connects to this.</summary>
    private const string UnusedConnection = "Host=localhost;Database=frozen_migration_sql";

    public static bool WriteMissing => Environment.GetEnvironmentVariable(WriteVariable) == "1";

    public static string Folder { get; } = Path.Combine(RepositoryRoot(), FolderInRepository);

    /// <summary>
    /// Writes the frozen SQL of every migration that has none (both directions) and returns the files written; files
    /// that exist are left as they are (<c>FrozenMigrationSqlTests</c> compares them).
    /// </summary>
    public static IReadOnlyList<string> WriteMissingFiles()
    {
        var written = new List<string>();
        foreach (var migrationId in MigrationIds())
        {
            var paths = Directions.ToDictionary(direction => direction, direction => PathOf(migrationId, direction));
            if (paths.Values.All(File.Exists))
            {
                continue;
            }

            var script = Generate(migrationId);
            Directory.CreateDirectory(Folder);
            foreach (var (direction, path) in paths.Where(p => !File.Exists(p.Value)))
            {
                File.WriteAllText(path, Normalized(SqlOf(script, direction)));
                written.Add(path);
            }
        }

        return written;
    }

    public static IReadOnlyList<string> MigrationIds()
    {
        using var context = MigrationsDbContextFactory.Create(UnusedConnection);
        return [.. context.Database.GetMigrations()];
    }

    /// <summary>The SQL <paramref name="migrationId"/> generates now, with the migrator and the SQL generator the bundles use.</summary>
    public static MigrationScript Generate(string migrationId)
    {
        using var context = MigrationsDbContextFactory.Create(UnusedConnection);
        return ((LockingLoggingMigrator)context.GetService<IMigrator>()).ScriptOf(migrationId);
    }

    public static string PathOf(string migrationId, string direction) => Path.Combine(Folder, $"{migrationId}.{direction}.sql");

    public static string SqlOf(MigrationScript script, string direction) => direction == "up" ? script.Up : script.Down;

    /// <summary>Line endings as the repository keeps them: EF writes the platform's, a checkout may turn LF into CRLF.</summary>
    public static string Normalized(string sql) => sql.ReplaceLineEndings("\n");

    public static string NotFrozen(string migrationId, IReadOnlyList<string> missingFiles) => $"""
        Migration {migrationId} has no frozen SQL in {FolderInRepository}/ ({string.Join(", ", missingFiles)} missing).
        Every migration keeps the SQL it generates beside it, so that no later change to a helper can change what it does.
        Write it with: {WriteCommand}
        then review the new files and commit them with the migration.
        """;

    public static string Changed(string migrationId, string direction, string frozen, string generated) => $"""
        Migration {migrationId} no longer generates the SQL frozen for it ({FolderInRepository}/{migrationId}.{direction}.sql).
        {FirstDifference(frozen, generated)}
        A shipped migration must keep meaning what it meant: a fresh database still gets this SQL from it, and databases
        that applied it have its old checksum in the migration log (domain status would call it edited).
        Most likely a MigrationBuilder extension it calls, or a constant that extension reads, changed. Keep the old SQL
        for this migration (restore the helper, or give the old migration its own copy of the old text) and put the new
        behaviour in a new migration: dotnet ef migrations add <Name> --project src/Domain.Persistence --output-dir Migrations
        If an EF Core or Npgsql upgrade writes the same operations differently, make sure a fresh database still ends up
        the same, then refreeze it as below in the upgrade's commit (domain status will call it edited where it was applied).
        To refreeze (also for a migration that was never merged or applied anywhere): delete its frozen files and run
        {WriteCommand}
        """;

    public static string Orphaned(string file) => $"""
        {FolderInRepository}/{file} is the frozen SQL of no migration.
        If its migration was removed (dotnet ef migrations remove), delete the file; if it was renamed, rename the file.
        """;

    private static string FirstDifference(string frozen, string generated)
    {
        var frozenLines = frozen.Split('\n');
        var generatedLines = generated.Split('\n');
        var line = 0;
        while (line < frozenLines.Length && line < generatedLines.Length && frozenLines[line] == generatedLines[line])
        {
            line++;
        }

        return $"""
            First difference at line {line + 1}:
              frozen:    {(line < frozenLines.Length ? frozenLines[line].Trim() : "<end of file>")}
              generated: {(line < generatedLines.Length ? generatedLines[line].Trim() : "<end of SQL>")}
            """;
    }

    /// <summary>The repository this build came from (tests and the CLI both run from under it), else the working directory's.</summary>
    private static string RepositoryRoot()
    {
        var fromBuild = LocalDevDatabase.RepositoryRoot(AppContext.BaseDirectory);
        return File.Exists(Path.Combine(fromBuild, "Domain.sln")) ? fromBuild : LocalDevDatabase.RepositoryRoot();
    }
}
