using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Domain.Persistence.RowLevelSecurity;

/// <summary>Reads row-level security declarations from the model.</summary>
public static class RowLevelSecurityModelExtensions
{
    /// <summary>The entity type's declaration, in property names; null when it has none.</summary>
    public static RowLevelSecurityDeclaration? GetRowLevelSecurity(this IReadOnlyEntityType entityType)
    {
        ArgumentNullException.ThrowIfNull(entityType);
        return entityType.FindAnnotation(RowLevelSecurityAnnotationNames.Declaration)?.Value is string text
            ? RowLevelSecurityDeclaration.Parse(text)
            : null;
    }

    /// <summary>
    /// The table's declaration, in column names; null when it has none. Only the design-time relational model carries
    /// it (<c>context.GetService&lt;IDesignTimeModel&gt;().Model.GetRelationalModel()</c>), as migrations see it.
    /// </summary>
    public static RowLevelSecurityDeclaration? GetRowLevelSecurity(this ITable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return table.FindAnnotation(RowLevelSecurityAnnotationNames.Declaration)?.Value is string text
            ? RowLevelSecurityDeclaration.Parse(text)
            : null;
    }
}
