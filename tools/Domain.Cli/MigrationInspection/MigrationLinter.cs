using System.Reflection;
using System.Text.RegularExpressions;
using Domain.Persistence;
using Domain.Persistence.MigrationSafety;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;

namespace Domain.Cli.MigrationInspection;

/// <summary>How bad a lint finding is.</summary>
internal enum LintSeverity
{
    /// <summary>Worth a look; does not fail the lint.</summary>
    Warning,

    /// <summary>Fails the lint unless the migration says it means it (<see cref="AllowDestructiveChangesAttribute"/>).</summary>
    Error,

    /// <summary>A destructive change the migration declared on purpose.</summary>
    Allowed,
}

/// <summary>One thing the linter found in a migration's Up.</summary>
internal sealed record LintFinding(string MigrationId, LintSeverity Severity, string Rule, string Message);

/// <summary>
/// Checks migrations for changes that lose data or lock tables, which EF Core does not: dropping or renaming a
/// table or column, narrowing a column (shorter, another type, newly NOT NULL), destructive raw SQL, and index
/// builds on existing tables that block writes while they run.
/// </summary>
internal static partial class MigrationLinter
{
    /// <summary>Every migration this project ships, oldest first.</summary>
    public static IReadOnlyList<Migration> ShippedMigrations()
    {
        return [.. typeof(DomainDbContext).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(Migration)) && t.GetCustomAttribute<MigrationAttribute>() is not null)
            .OrderBy(t => t.GetCustomAttribute<MigrationAttribute>()!.Id, StringComparer.Ordinal)
            .Select(t => (Migration)Activator.CreateInstance(t)!)];
    }

    /// <summary>Lints the Up operations of <paramref name="migration"/>.</summary>
    public static IReadOnlyList<LintFinding> Lint(Migration migration)
    {
        ArgumentNullException.ThrowIfNull(migration);
        var id = migration.GetType().GetCustomAttribute<MigrationAttribute>()?.Id ?? migration.GetType().Name;
        var allowed = migration.GetType().GetCustomAttribute<AllowDestructiveChangesAttribute>();
        var createdHere = migration.UpOperations.OfType<CreateTableOperation>()
            .Select(t => (t.Schema, t.Name))
            .ToHashSet();

        var findings = new List<LintFinding>();
        foreach (var operation in migration.UpOperations)
        {
            var destructive = Destructive(operation);
            if (destructive is { } d)
            {
                findings.Add(allowed is null
                    ? new LintFinding(id, LintSeverity.Error, d.Rule, d.Message + " Add [AllowDestructiveChanges(\"why\")] if this is intended.")
                    : new LintFinding(id, LintSeverity.Allowed, d.Rule, $"{d.Message} Declared: {allowed.Reason}"));
            }

            if (operation is CreateIndexOperation index
                && !createdHere.Contains((index.Schema, index.Table))
                && index["Npgsql:CreatedConcurrently"] is not true)
            {
                findings.Add(new LintFinding(
                    id,
                    LintSeverity.Warning,
                    "index-locks-table",
                    $"Index {index.Name} is built on existing table {Qualified(index.Schema, index.Table)} without CONCURRENTLY: "
                    + "writes to the table wait until the build ends. On a large table use .IsCreatedConcurrently()."));
            }
        }

        return findings;
    }

    private static (string Rule, string Message)? Destructive(MigrationOperation operation)
    {
        return operation switch
        {
            DropTableOperation t => ("drop-table", $"Drops table {Qualified(t.Schema, t.Name)} and every row in it."),
            DropColumnOperation c => ("drop-column", $"Drops column {Qualified(c.Schema, c.Table)}.{c.Name} and its data."),
            DropSchemaOperation s => ("drop-schema", $"Drops schema {s.Name}."),
            RenameTableOperation t => ("rename-table", $"Renames table {Qualified(t.Schema, t.Name)} to {t.NewName}: code still using the old name breaks."),
            RenameColumnOperation c => ("rename-column",
                $"Renames column {Qualified(c.Schema, c.Table)}.{c.Name} to {c.NewName}: code still using the old name breaks."),
            AlterColumnOperation a when Narrowing(a) is { } why => ("narrow-column", $"Narrows column {Qualified(a.Schema, a.Table)}.{a.Name}: {why}."),
            SqlOperation sql when DestructiveSql().Match(sql.Sql) is { Success: true } match =>
                ("destructive-sql", $"Raw SQL contains '{match.Value.Trim()}'."),
            _ => null,
        };
    }

    private static string? Narrowing(AlterColumnOperation alter)
    {
        var old = alter.OldColumn;
        if (alter.MaxLength is { } length && (old.MaxLength is null || length < old.MaxLength))
        {
            return $"max length {old.MaxLength?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unlimited"} -> {length}";
        }

        if (old.ClrType is not null && alter.ClrType != old.ClrType)
        {
            return $"type {old.ClrType.Name} -> {alter.ClrType.Name}";
        }

        if (old.ColumnType is not null && alter.ColumnType is not null
            && !string.Equals(old.ColumnType, alter.ColumnType, StringComparison.OrdinalIgnoreCase))
        {
            return $"column type {old.ColumnType} -> {alter.ColumnType}";
        }

        if (old.IsNullable && !alter.IsNullable)
        {
            return "NULL values become invalid (NOT NULL)";
        }

        return null;
    }

    private static string Qualified(string? schema, string name) => schema is null ? name : $"{schema}.{name}";

    // TRUNCATE as a statement, not as the event of a trigger ("AFTER ... OR TRUNCATE ON t"), which removes nothing.
    [GeneratedRegex(@"\b(DROP\s+(TABLE|COLUMN|SCHEMA)|TRUNCATE(?!\s+ON\b)|ALTER\s+TABLE\s+\S+\s+RENAME)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DestructiveSql();
}
