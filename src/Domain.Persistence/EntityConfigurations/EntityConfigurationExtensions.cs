using Domain.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Domain.Persistence.EntityConfigurations;

/// <summary>
/// Aggregate roots are the entity types the model marks with <see cref="IAggregateRoot"/>. A root whose configuration
/// declares a property <see cref="EntityConfigurationExtensions.TouchedByChildChanges{T}"/> has it written whenever one
/// of its children changes (see <see cref="DomainDbContext"/>).
/// </summary>
internal static class AggregateRoots
{
    private const string TouchedAnnotation = "Domain:TouchedByChildChanges";

    public static bool IsRoot(IReadOnlyEntityType entityType) => typeof(IAggregateRoot).IsAssignableFrom(entityType.ClrType);

    /// <summary>The property a change to a child of <paramref name="root"/> writes, or null when it has none.</summary>
    public static IReadOnlyProperty? TouchedProperty(IReadOnlyEntityType root)
        => root.GetProperties().SingleOrDefault(p => p.FindAnnotation(TouchedAnnotation)?.Value is true);

    public static void MarkTouched(IMutableProperty property) => property.SetAnnotation(TouchedAnnotation, true);
}

internal static class EntityConfigurationExtensions
{
    /// <summary>Shadow property mapped to PostgreSQL's <c>xmin</c>, the optimistic-concurrency token of aggregate roots.</summary>
    public const string RowVersion = "xmin";

    /// <summary>
    /// A column that a database trigger maintains (counters, <c>updated_at</c>): EF never inserts it and reads it
    /// back after every insert and update.
    /// </summary>
    public static PropertyBuilder<T> MaintainedByDatabase<T>(this PropertyBuilder<T> property, string defaultValueSql)
    {
        property.HasDefaultValueSql(defaultValueSql).ValueGeneratedOnAddOrUpdate();
        property.Metadata.SetBeforeSaveBehavior(PropertySaveBehavior.Ignore);
        property.Metadata.SetAfterSaveBehavior(PropertySaveBehavior.Ignore);
        return property;
    }

    /// <summary>
    /// The root's <c>updated_at</c>: set by its trigger, and written (with any value; the trigger replaces it) only
    /// when the data layer touches the root because one of its children changed.
    /// </summary>
    public static PropertyBuilder<T> TouchedByChildChanges<T>(this PropertyBuilder<T> property, string defaultValueSql)
    {
        property.HasDefaultValueSql(defaultValueSql).ValueGeneratedOnAddOrUpdate();
        property.Metadata.SetBeforeSaveBehavior(PropertySaveBehavior.Ignore);
        property.Metadata.SetAfterSaveBehavior(PropertySaveBehavior.Save);
        AggregateRoots.MarkTouched(property.Metadata);
        return property;
    }
}
