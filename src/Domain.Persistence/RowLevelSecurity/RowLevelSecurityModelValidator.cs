using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure.Internal;

namespace Domain.Persistence.RowLevelSecurity;

// Deriving from the provider's validator keeps every check Npgsql makes; its constructor takes internal API.
#pragma warning disable EF1001

/// <summary>
/// Npgsql's model validation, plus: every table in <c>public</c>, the schema Supabase exposes, declares its row-level
/// security. A new entity without a declaration fails when the model is built, so <c>dotnet ef migrations add</c>
/// (and every test) stops with the table named before a migration without policies can exist. Migrations' own models
/// are not validated, so the migrations written before declarations existed still load.
/// </summary>
internal sealed class RowLevelSecurityModelValidator(
    ModelValidatorDependencies dependencies,
    RelationalModelValidatorDependencies relationalDependencies,
    INpgsqlSingletonOptions npgsqlSingletonOptions)
    : NpgsqlModelValidator(dependencies, relationalDependencies, npgsqlSingletonOptions)
{
    /// <inheritdoc />
    public override void Validate(IModel model, IDiagnosticsLogger<DbLoggerCategory.Model.Validation> logger)
    {
        base.Validate(model, logger);
        foreach (var entityType in model.GetEntityTypes())
        {
            ThrowIfNamesAreNotProperties(entityType);
        }

        var undeclared = UndeclaredPublicTables(model);
        if (undeclared.Count > 0)
        {
            throw new InvalidOperationException(
                $"Every table in schema {DatabaseSchemas.Public} declares its row-level security; these do not: {string.Join(", ", undeclared)}. "
                + "Declare each in its entity configuration with HasRowLevelSecurity (OwnedBy, SharedReferenceData or LedgerOwnedBy).");
        }
    }

    private static void ThrowIfNamesAreNotProperties(IEntityType entityType)
    {
        if (entityType.GetRowLevelSecurity() is not { } declaration)
        {
            return;
        }

        foreach (var name in declaration.Names)
        {
            if (entityType.FindProperty(name) is null)
            {
                throw new InvalidOperationException(
                    $"The row-level security of {entityType.DisplayName()} names '{name}', which is not one of its properties.");
            }
        }

        if (declaration.Owner is { } owner && entityType.FindProperty(owner)!.ClrType != typeof(Guid))
        {
            throw new InvalidOperationException(
                $"The row-level security of {entityType.DisplayName()} takes the owner from '{owner}', which is not a non-nullable Guid (uuid).");
        }
    }

    /// <summary>The tables in <c>public</c> (as <c>schema.table</c>) none of whose entity types declares row-level security.</summary>
    internal static IReadOnlyList<string> UndeclaredPublicTables(IReadOnlyModel model)
        => [.. model.GetEntityTypes()
            .Where(entityType => entityType.GetTableName() is not null
                && entityType.GetSchema() == DatabaseSchemas.Public
                && !entityType.IsTableExcludedFromMigrations())
            .GroupBy(entityType => $"{entityType.GetSchema()}.{entityType.GetTableName()}", StringComparer.Ordinal)
            .Where(table => table.All(entityType => entityType.GetRowLevelSecurity() is null))
            .Select(table => table.Key)
            .Order(StringComparer.Ordinal)];
}
