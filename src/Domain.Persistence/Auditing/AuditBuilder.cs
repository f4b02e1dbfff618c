using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Domain.Persistence.Auditing;

/// <summary>Declares how a table is audited, inside its entity configuration (see <see cref="AuditEntityTypeBuilderExtensions.IsAudited{TEntity}"/>).</summary>
/// <typeparam name="TEntity">The entity type mapped to the table.</typeparam>
public sealed class AuditBuilder<TEntity>
    where TEntity : class
{
    private readonly List<string> _excluded = [];

    internal AuditBuilder()
    {
    }

    /// <summary>
    /// Leaves <paramref name="properties"/> out of the trail: their values are not recorded, and an update that changes
    /// only them writes no entry. For what the database keeps by itself (counters, <c>updated_at</c>), what changes on
    /// every use (a key's last use), and what must not be copied (a key's hash).
    /// </summary>
    public AuditBuilder<TEntity> Excluding(Expression<Func<TEntity, object?>> properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        _excluded.AddRange(properties.GetMemberAccessList().Select(member => member is PropertyInfo or FieldInfo
            ? member.Name
            : throw new ArgumentException($"{member.Name} is not a property of {typeof(TEntity).Name}.", nameof(properties))));
        return this;
    }

    /// <summary>The declaration, in property names (the key and the owner are added from the model).</summary>
    internal AuditDeclaration Build()
    {
        try
        {
            return new AuditDeclaration(key: null, owner: null, _excluded);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"The audit declaration of {typeof(TEntity).Name} is inconsistent: {ex.Message}", ex);
        }
    }
}
