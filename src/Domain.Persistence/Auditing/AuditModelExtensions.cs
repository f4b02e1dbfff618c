using Microsoft.EntityFrameworkCore.Metadata;

namespace Domain.Persistence.Auditing;

/// <summary>Reads audit declarations from the model.</summary>
public static class AuditModelExtensions
{
    /// <summary>The entity type's declaration (excluded property names only); null when it is not audited.</summary>
    public static AuditDeclaration? GetAudit(this IReadOnlyEntityType entityType)
    {
        ArgumentNullException.ThrowIfNull(entityType);
        return entityType.FindAnnotation(AuditAnnotationNames.Declaration)?.Value is string text ? AuditDeclaration.Parse(text) : null;
    }

    /// <summary>
    /// The table's complete declaration (key, owner, excluded columns); null when it is not audited. Only the
    /// design-time relational model carries it, as migrations see it.
    /// </summary>
    public static AuditDeclaration? GetAudit(this ITable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return table.FindAnnotation(AuditAnnotationNames.Declaration)?.Value is string text ? AuditDeclaration.Parse(text) : null;
    }
}
