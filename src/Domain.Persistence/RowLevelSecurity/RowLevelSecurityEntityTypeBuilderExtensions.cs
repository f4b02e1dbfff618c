using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Domain.Persistence.RowLevelSecurity;

/// <summary>Declares the row-level security of the table an entity type is mapped to.</summary>
public static class RowLevelSecurityEntityTypeBuilderExtensions
{
    /// <summary>
    /// Declares the row-level security of <typeparamref name="TEntity"/>'s table: migrations enable RLS, create its
    /// policies and grant its privileges from this, and a change to it becomes a migration of its own. Every table in
    /// <c>public</c> needs one.
    /// </summary>
    public static EntityTypeBuilder<TEntity> HasRowLevelSecurity<TEntity>(
        this EntityTypeBuilder<TEntity> builder, Action<RowLevelSecurityBuilder<TEntity>> declare)
        where TEntity : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(declare);
        var rls = new RowLevelSecurityBuilder<TEntity>();
        declare(rls);
        var declaration = rls.Build();
        foreach (var name in declaration.Names)
        {
            if (builder.Metadata.FindProperty(name) is null)
            {
                throw new InvalidOperationException(
                    $"The row-level security of {typeof(TEntity).Name} names '{name}', which is not one of its properties.");
            }
        }

        return builder.HasAnnotation(RowLevelSecurityAnnotationNames.Declaration, declaration.ToString());
    }
}
