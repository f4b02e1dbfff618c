using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Domain.Persistence;
using Domain.Persistence.Auditing;
using Domain.Persistence.RowLevelSecurity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Domain.Cli.Erd;

/// <summary>
/// The EF model as a Mermaid <c>erDiagram</c> in Markdown (<c>docs/erd.md</c>): every table with its columns and keys,
/// every foreign key as a relationship, and each table's row-level security shape and audit declaration. The text
/// depends only on the model,
/// so a test regenerates it and compares it with the committed file.
/// </summary>
internal static partial class ErdWriter
{
    /// <summary>Where <c>domain erd</c> writes the diagram, relative to the repository root.</summary>
    public const string RelativePath = "docs/erd.md";

    /// <summary>The Markdown document for <paramref name="model"/>.</summary>
    public static string Write(IModel model)
    {
        var tables = model.GetEntityTypes()
            .Where(e => e.GetTableName() is not null && e.FindOwnership() is null)
            .OrderBy(e => e.GetTableName(), StringComparer.Ordinal)
            .ToList();
        var text = new StringBuilder();
        text.AppendLine("# The model");
        text.AppendLine();
        text.AppendLine("Generated from the EF model by `dotnet run --project tools/Domain.Cli -- erd`; a test fails when this file and the");
        text.AppendLine("model disagree. Tables live in `public` (the schema the API exposes) unless the table below names its schema;");
        text.AppendLine("`PK` marks the primary key, `FK` a column of a foreign key, `UK` a column of an alternate key (the owner-carrying");
        text.AppendLine("`(id, user_id)` keys that children reference). Every row a user owns also references `auth.users` through its root");
        text.AppendLine("(not drawn: `auth` belongs to Supabase). Audited tables have every insert, update and delete recorded in");
        text.AppendLine("`audit_logs` by the database; an update that changes only the columns listed after 'except' is not recorded.");
        text.AppendLine();
        text.AppendLine("```mermaid");
        text.AppendLine("erDiagram");
        foreach (var entity in tables)
        {
            AppendTable(text, entity);
        }

        foreach (var (line, _) in tables
                     .SelectMany(e => e.GetForeignKeys())
                     .Select(fk => (Relationship(fk), fk))
                     .Distinct()
                     .OrderBy(r => r.Item1, StringComparer.Ordinal))
        {
            text.AppendLine(line);
        }

        text.AppendLine("```");
        text.AppendLine();
        text.AppendLine("| table | row-level security | owner | what callers may do | audited |");
        text.AppendLine("| --- | --- | --- | --- | --- |");
        foreach (var entity in tables)
        {
            var rls = entity.GetRowLevelSecurity();
            var schema = entity.GetSchema() ?? DatabaseSchemas.Public;
            var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            var name = schema == DatabaseSchemas.Public ? entity.GetTableName() : $"{schema}.{entity.GetTableName()}";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| `{name}` | {Shape(rls, schema)} | {Owner(entity, rls, table)} | {Commands(rls, schema)} | {Audited(entity, table)} |");
        }

        return text.ToString();
    }

    private static void AppendTable(StringBuilder text, IEntityType entity)
    {
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var primary = entity.FindPrimaryKey()?.Properties.Select(p => p.GetColumnName(table)).ToHashSet() ?? [];
        var foreign = entity.GetForeignKeys().SelectMany(fk => fk.Properties).Select(p => p.GetColumnName(table)).ToHashSet();
        var alternate = entity.GetKeys().Where(k => !k.IsPrimaryKey()).SelectMany(k => k.Properties).Select(p => p.GetColumnName(table)).ToHashSet();
        text.AppendLine(CultureInfo.InvariantCulture, $"    {entity.GetTableName()} {{");
        foreach (var property in entity.GetProperties().OrderBy(p => Order(p, primary, table)).ThenBy(p => p.GetColumnName(table), StringComparer.Ordinal))
        {
            var column = property.GetColumnName(table)!;
            var marks = new List<string>();
            if (primary.Contains(column))
            {
                marks.Add("PK");
            }

            if (foreign.Contains(column))
            {
                marks.Add("FK");
            }

            if (alternate.Contains(column) && !primary.Contains(column))
            {
                marks.Add("UK");
            }

            var keys = marks.Count == 0 ? string.Empty : " " + string.Join(", ", marks);
            var nullable = property.IsColumnNullable(table) ? " \"null\"" : string.Empty;
            text.AppendLine(CultureInfo.InvariantCulture, $"        {TypeToken(property.GetColumnType(table))} {column}{keys}{nullable}");
        }

        text.AppendLine("    }");
    }

    private static int Order(IProperty property, HashSet<string?> primary, StoreObjectIdentifier table)
        => primary.Contains(property.GetColumnName(table)) ? 0 : property.Name == "UserId" ? 1 : 2;

    private static string Relationship(IForeignKey foreignKey)
    {
        var principal = foreignKey.PrincipalEntityType.GetTableName();
        var dependent = foreignKey.DeclaringEntityType;
        var table = StoreObjectIdentifier.Table(dependent.GetTableName()!, dependent.GetSchema());
        var columns = string.Join(", ", foreignKey.Properties.Select(p => p.GetColumnName(table)));
        var optional = foreignKey.Properties.Any(p => p.IsNullable);
        var cardinality = (optional ? "|o" : "||") + (foreignKey.IsUnique ? "--o|" : "--o{");
        return $"    {principal} {cardinality} {dependent.GetTableName()} : \"{columns}\"";
    }

    private static string Shape(RowLevelSecurityDeclaration? rls, string schema) => rls?.Shape switch
    {
        RowLevelSecurityShape.OwnedRows => "owned rows",
        RowLevelSecurityShape.SharedReferenceData => "shared reference data",
        RowLevelSecurityShape.Ledger => "ledger",
        _ when schema != DatabaseSchemas.Public => "none: outside the API",
        _ => "none declared",
    };

    private static string Owner(IEntityType entity, RowLevelSecurityDeclaration? rls, StoreObjectIdentifier table)
        => rls?.Owner is { } owner ? $"`{entity.FindProperty(owner)?.GetColumnName(table) ?? owner}`" : "–";

    private static string Commands(RowLevelSecurityDeclaration? rls, string schema) => rls?.Shape switch
    {
        RowLevelSecurityShape.OwnedRows => "owners: " + CommandList(rls.Commands) + "; admins read every row",
        RowLevelSecurityShape.SharedReferenceData => "everyone signed in reads; admins: " + CommandList(rls.Commands),
        RowLevelSecurityShape.Ledger when rls.AppendedByTriggersOnly => "only the database's triggers append; owners read their own; admins read every row",
        RowLevelSecurityShape.Ledger => "the service role appends; owners read their own; admins read every row",
        _ when schema != DatabaseSchemas.Public => "the backend only (no API role has a grant)",
        _ => "–",
    };

    private static string Audited(IEntityType entity, StoreObjectIdentifier table) => entity.GetAudit() switch
    {
        null => "–",
        { Excluded.Count: 0 } => "yes",
        var audit => "yes, except " + string.Join(", ", audit.Excluded.Select(p => $"`{entity.FindProperty(p)?.GetColumnName(table) ?? p}`")),
    };

    private static string CommandList(RowCommands commands)
        => string.Join(", ", new[] { RowCommands.Select, RowCommands.Insert, RowCommands.Update, RowCommands.Delete }
            .Where(c => commands.HasFlag(c))
            .Select(c => c.ToString().ToLowerInvariant()));

    /// <summary>A store type as one Mermaid token: no spaces, commas or schema dots.</summary>
    private static string TypeToken(string? storeType)
    {
        var type = (storeType ?? "unknown")
            .Replace("character varying", "varchar", StringComparison.Ordinal)
            .Replace("timestamp with time zone", "timestamptz", StringComparison.Ordinal)
            .Replace("double precision", "float8", StringComparison.Ordinal);
        type = type.Contains('.', StringComparison.Ordinal) ? type[(type.LastIndexOf('.') + 1)..] : type;
        return NotAToken().Replace(type, "_");
    }

    [GeneratedRegex("[^A-Za-z0-9_()\\[\\]-]")]
    private static partial Regex NotAToken();
}
