using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata.Internal;

namespace Domain.Persistence.RowLevelSecurity;

// Deriving from the provider's annotation provider keeps every annotation Npgsql puts on tables and columns.
#pragma warning disable EF1001

/// <summary>
/// Npgsql's relational annotations, plus the row-level security declaration of each table: copied from the entity
/// types mapped to it, with property names turned into the table's column names. EF's differ compares table
/// annotations, so a declaration that changes becomes an AlterTable operation carrying the old and the new text.
/// Design time only, like the provider's own table annotations: the runtime model does not need it.
/// </summary>
internal sealed class RowLevelSecurityAnnotationProvider(RelationalAnnotationProviderDependencies dependencies)
    : NpgsqlAnnotationProvider(dependencies)
{
    /// <inheritdoc />
    public override IEnumerable<IAnnotation> For(ITable table, bool designTime)
    {
        var annotations = base.For(table, designTime);
        return designTime && Declaration(table) is { } declaration
            ? annotations.Append(new Annotation(RowLevelSecurityAnnotationNames.Declaration, declaration.ToString()))
            : annotations;
    }

    private static RowLevelSecurityDeclaration? Declaration(ITable table)
    {
        var store = StoreObjectIdentifier.Table(table.Name, table.Schema);
        var declarations = table.EntityTypeMappings
            .Select(mapping => mapping.TypeBase)
            .OfType<IEntityType>()
            .Select(entityType => (EntityType: entityType, Declaration: entityType.GetRowLevelSecurity()))
            .Where(declared => declared.Declaration is not null)
            .Select(declared => declared.Declaration!.WithNames(property => ColumnOf(declared.EntityType, property, store)))
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

    private static string ColumnOf(IEntityType entityType, string property, StoreObjectIdentifier table)
        => entityType.FindProperty(property)?.GetColumnName(table)
            ?? throw new InvalidOperationException(
                $"The row-level security of {entityType.DisplayName()} names '{property}', which is not a property mapped to {table.DisplayName()}.");
}
