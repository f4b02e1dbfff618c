namespace Domain.Persistence.RowLevelSecurity;

/// <summary>The name of the annotation that carries a <see cref="RowLevelSecurityDeclaration"/>.</summary>
public static class RowLevelSecurityAnnotationNames
{
    /// <summary>
    /// On an entity type (in property names, as configured; kept in the model snapshot) and on its table in the
    /// relational model (in column names; what migrations carry on CreateTable and AlterTable).
    /// </summary>
    public const string Declaration = "Domain:RowLevelSecurity";
}
