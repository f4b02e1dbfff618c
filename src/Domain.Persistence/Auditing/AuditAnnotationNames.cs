namespace Domain.Persistence.Auditing;

/// <summary>The name of the annotation that carries an <see cref="AuditDeclaration"/>.</summary>
public static class AuditAnnotationNames
{
    /// <summary>
    /// On an entity type (what <see cref="AuditEntityTypeBuilderExtensions.IsAudited{TEntity}"/> declared, in property
    /// names; kept in the model snapshot) and on its table in the relational model (complete, in column names: the key,
    /// the owner and the excluded columns; what migrations carry on CreateTable and AlterTable).
    /// </summary>
    public const string Declaration = "Domain:Audit";
}
