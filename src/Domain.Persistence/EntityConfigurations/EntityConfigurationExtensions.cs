using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Domain.Persistence.EntityConfigurations;

internal static class EntityConfigurationExtensions
{
    /// <summary>Shadow property mapped to PostgreSQL's <c>xmin</c>, the optimistic-concurrency token of aggregate roots.</summary>
    public const string RowVersion = "xmin";

    /// <summary>
    /// A column that a database trigger maintains (counters, <c>updated_at</c>): EF never writes it and reads it
    /// back after every insert and update.
    /// </summary>
    public static PropertyBuilder<T> MaintainedByDatabase<T>(this PropertyBuilder<T> property, string defaultValueSql)
    {
        property.HasDefaultValueSql(defaultValueSql).ValueGeneratedOnAddOrUpdate();
        property.Metadata.SetBeforeSaveBehavior(PropertySaveBehavior.Ignore);
        property.Metadata.SetAfterSaveBehavior(PropertySaveBehavior.Ignore);
        return property;
    }
}
