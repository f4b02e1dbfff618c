using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Domain.Persistence.EntityConfigurations;

/// <summary>
/// Aggregate roots are the entity types with an <c>xmin</c> row version; their <c>UpdatedAt</c> is what a change to
/// one of their children touches (see <see cref="DomainDbContext"/>).
/// </summary>
internal static class AggregateRoots
{
    public const string TouchedProperty = "UpdatedAt";

    public static bool IsRoot(IReadOnlyEntityType entityType) => entityType.FindProperty(EntityConfigurationExtensions.RowVersion) is not null;
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
        return property;
    }
}
