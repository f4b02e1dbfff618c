using Domain.Cli.MigrationInspection;
using Xunit.Abstractions;

namespace Domain.UnitTests.Migrations;

/// <summary>
/// An applied migration keeps meaning what it meant: what each migration generates, Up and Down, through the migrator
/// and migrations SQL generator the bundles use, must equal the SQL frozen for it when it was added. A new migration's
/// frozen SQL is written by running these tests with <see cref="FrozenMigrationSql.WriteVariable"/>=1.
/// </summary>
public sealed class FrozenMigrationSqlTests(ITestOutputHelper output)
{
    public static TheoryData<string> Migrations() => new(FrozenMigrationSql.MigrationIds());

    [Theory]
    [MemberData(nameof(Migrations))]
    public void Migration_GeneratesTheSqlFrozenForIt(string migrationId)
    {
        var script = FrozenMigrationSql.Generate(migrationId);
        var problems = new List<string>();
        var missing = new List<string>();
        foreach (var direction in FrozenMigrationSql.Directions)
        {
            var generated = FrozenMigrationSql.Normalized(FrozenMigrationSql.SqlOf(script, direction));
            var path = FrozenMigrationSql.PathOf(migrationId, direction);
            if (File.Exists(path))
            {
                var frozen = FrozenMigrationSql.Normalized(File.ReadAllText(path));
                if (!string.Equals(frozen, generated, StringComparison.Ordinal))
                {
                    problems.Add(FrozenMigrationSql.Changed(migrationId, direction, frozen, generated));
                }
            }
            else if (FrozenMigrationSql.WriteMissing)
            {
                Directory.CreateDirectory(FrozenMigrationSql.Folder);
                File.WriteAllText(path, generated);
                output.WriteLine($"wrote {path}");
            }
            else
            {
                missing.Add(Path.GetFileName(path));
            }
        }

        if (missing.Count > 0)
        {
            problems.Insert(0, FrozenMigrationSql.NotFrozen(migrationId, missing));
        }

        Assert.True(problems.Count == 0, string.Join("\n\n", problems));
    }

    [Fact]
    public void FrozenSql_BelongsToAMigration()
    {
        var expected = FrozenMigrationSql.MigrationIds()
            .SelectMany(id => FrozenMigrationSql.Directions.Select(direction => Path.GetFileName(FrozenMigrationSql.PathOf(id, direction))))
            .ToHashSet(StringComparer.Ordinal);
        var files = Directory.Exists(FrozenMigrationSql.Folder)
            ? Directory.GetFiles(FrozenMigrationSql.Folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList()
            : [];

        var orphans = files.Where(file => !expected.Contains(file!)).Select(file => FrozenMigrationSql.Orphaned(file!)).ToList();

        Assert.True(orphans.Count == 0, string.Join("\n", orphans));
    }
}
