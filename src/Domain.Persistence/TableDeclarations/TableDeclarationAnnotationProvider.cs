using Domain.Persistence.Auditing;
using Domain.Persistence.RowLevelSecurity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata.Internal;

namespace Domain.Persistence.TableDeclarations;

// Deriving from the provider's annotation provider keeps every annotation Npgsql puts on tables and columns.
#pragma warning disable EF1001

/// <summary>
/// Npgsql's relational annotations, plus what this model declares about each table: its row-level security and whether
/// (and how) it is audited, copied from the entity types mapped to it with property names turned into the table's
/// column names. EF's differ compares table annotations, so a declaration that changes becomes an AlterTable operation
/// carrying the old and the new text, which <see cref="TableDeclarationMigrationsSqlGenerator"/> turns into SQL.
/// Design time only, like the provider's own table annotations: the runtime model does not need them.
/// </summary>
internal sealed class TableDeclarationAnnotationProvider(RelationalAnnotationProviderDependencies dependencies)
    : NpgsqlAnnotationProvider(dependencies)
{
    /// <inheritdoc />
    public override IEnumerable<IAnnotation> For(ITable table, bool designTime)
    {
        var annotations = base.For(table, designTime);
        if (!designTime)
        {
            return annotations;
        }

        var rowLevelSecurity = RowLevelSecurity(table);
        if (rowLevelSecurity is not null)
        {
            annotations = annotations.Append(new Annotation(RowLevelSecurityAnnotationNames.Declaration, rowLevelSecurity.ToString()));
        }

        return Audit(table, rowLevelSecurity) is { } audit
            ? annotations.Append(new Annotation(AuditAnnotationNames.Declaration, audit.ToString()))
            : annotations;
    }

    private static RowLevelSecurityDeclaration? RowLevelSecurity(ITable table)
    {
        var store = StoreObjectIdentifier.Table(table.Name, table.Schema);
        var declarations = table.EntityTypeMappings
            .Select(mapping => mapping.TypeBase)
            .OfType<IEntityType>()
            .Select(entityType => (EntityType: entityType, Declaration: entityType.GetRowLevelSecurity()))
            .Where(declared => declared.Declaration is not null)
            .Select(declared => declared.Declaration!.WithNames(property => ColumnOf(declared.EntityType, property, store, "row-level security")))
            .Distinct()
            .ToList();
        return declarations.Count switch
        {
            0 => null,
            1 => declarations[0],
            _ => throw new InvalidOperationException(
                $"The entity types mapped to table {table.SchemaQualifiedName} declare different row-level security: "
                + string.Join(" / ", declarations)),
        };
    }

    /// <summary>
    /// The table's audit declaration: the excluded columns the entity types declare, the primary key's column as the
    /// row id, and the row-level security owner (none for shared reference data) as the owner of every entry.
    /// </summary>
    private static AuditDeclaration? Audit(ITable table, RowLevelSecurityDeclaration? rowLevelSecurity)
    {
        var store = StoreObjectIdentifier.Table(table.Name, table.Schema);
        var key = table.PrimaryKey?.Columns is [{ } single] ? single.Name : null;
        var declarations = table.EntityTypeMappings
            .Select(mapping => mapping.TypeBase)
            .OfType<IEntityType>()
            .Select(entityType => (EntityType: entityType, Declaration: entityType.GetAudit()))
            .Where(declared => declared.Declaration is not null)
            .Select(declared => declared.Declaration!.ForTable(
                key ?? throw new InvalidOperationException(
                    $"{declared.EntityType.DisplayName()} is audited, but its table {table.SchemaQualifiedName} has no single-column primary key to name its rows by."),
                rowLevelSecurity?.Owner,
                property => ColumnOf(declared.EntityType, property, store, "audit declaration")))
            .Distinct()
            .ToList();
        return declarations.Count switch
        {
            0 => null,
            1 => declarations[0],
            _ => throw new InvalidOperationException(
                $"The entity types mapped to table {table.SchemaQualifiedName} declare different auditing: " + string.Join(" / ", declarations)),
        };
    }

    private static string ColumnOf(IEntityType entityType, string property, StoreObjectIdentifier table, string what)
        => entityType.FindProperty(property)?.GetColumnName(table)
            ?? throw new InvalidOperationException(
                $"The {what} of {entityType.DisplayName()} names '{property}', which is not a property mapped to {table.DisplayName()}.");
}
