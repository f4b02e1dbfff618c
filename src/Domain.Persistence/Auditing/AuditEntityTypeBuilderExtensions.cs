using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Domain.Persistence.Auditing;

/// <summary>Declares that the table an entity type is mapped to is audited.</summary>
public static class AuditEntityTypeBuilderExtensions
{
    /// <summary>
    /// Every insert, update and delete of <typeparamref name="TEntity"/>'s table, by any writer, is recorded in
    /// <c>audit_logs</c> by database triggers that migrations create from this declaration (and drop when it goes): the
    /// actor from the request's claims, the row's id (the primary key) and owner (the row-level security owner), and the
    /// changed columns before and after. A change to the declaration becomes a migration of its own. The entity needs a
    /// single <see cref="Guid"/> primary key and a row-level security declaration; names are checked when the model is built.
    /// </summary>
    public static EntityTypeBuilder<TEntity> IsAudited<TEntity>(
        this EntityTypeBuilder<TEntity> builder, Action<AuditBuilder<TEntity>>? configure = null)
        where TEntity : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        var audit = new AuditBuilder<TEntity>();
        configure?.Invoke(audit);
        return builder.HasAnnotation(AuditAnnotationNames.Declaration, audit.Build().ToString());
    }
}
