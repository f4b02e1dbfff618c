using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Domain.Persistence.RowLevelSecurity;

/// <summary>Declares the row-level security of the table an entity type is mapped to.</summary>
public static class RowLevelSecurityEntityTypeBuilderExtensions
{
    /// <summary>
    /// Declares the row-level security of <typeparamref name="TEntity"/>'s table: migrations enable RLS, create its
    /// policies and grant its privileges from this, and a change to it becomes a migration of its own. Every table in
    /// <c>public</c> needs one. The names are checked against the entity type's properties when the model is built
    /// (a property may be configured after the declaration).
    /// </summary>
    public static EntityTypeBuilder<TEntity> HasRowLevelSecurity<TEntity>(
        this EntityTypeBuilder<TEntity> builder, Action<RowLevelSecurityBuilder<TEntity>> declare)
        where TEntity : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(declare);
        var rls = new RowLevelSecurityBuilder<TEntity>();
        declare(rls);
        return builder.HasAnnotation(RowLevelSecurityAnnotationNames.Declaration, rls.Build().ToString());
    }
}
