using Domain.Persistence.Auditing;
using Domain.Persistence.RowLevelSecurity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure.Internal;

namespace Domain.Persistence.TableDeclarations;

// Deriving from the provider's validator keeps every check Npgsql makes; its constructor takes internal API.
#pragma warning disable EF1001

/// <summary>
/// Npgsql's model validation, plus the table declarations: every table in <c>public</c>, the schema Supabase exposes,
/// declares its row-level security, and every name a declaration (row-level security or audit) uses is a property of
/// the right kind. A new entity without a declaration fails when the model is built, so <c>dotnet ef migrations add</c>
/// (and every test) stops with the table named before a migration without policies can exist. Migrations' own models
/// are not validated, so the migrations written before declarations existed still load.
/// </summary>
internal sealed class TableDeclarationModelValidator(
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
            ThrowIfAuditIsInconsistent(entityType);
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

        // A ledger's rows may belong to nobody (an audit entry about shared data): only admins read those.
        var ownerType = declaration.Owner is { } owner ? entityType.FindProperty(owner)!.ClrType : null;
        if (ownerType is not null && ownerType != typeof(Guid) && !(declaration.Shape == RowLevelSecurityShape.Ledger && ownerType == typeof(Guid?)))
        {
            throw new InvalidOperationException(
                $"The row-level security of {entityType.DisplayName()} takes the owner from '{declaration.Owner}', which is not a "
                + (declaration.Shape == RowLevelSecurityShape.Ledger ? "Guid (uuid)." : "non-nullable Guid (uuid)."));
        }
    }

    private static void ThrowIfAuditIsInconsistent(IEntityType entityType)
    {
        if (entityType.GetAudit() is not { } audit)
        {
            return;
        }

        if (entityType.FindPrimaryKey()?.Properties is not [{ } key] || key.ClrType != typeof(Guid))
        {
            throw new InvalidOperationException(
                $"{entityType.DisplayName()} is audited, but its primary key is not one Guid (uuid) property: every audit entry names its row by that id.");
        }

        if (entityType.GetRowLevelSecurity() is null)
        {
            throw new InvalidOperationException(
                $"{entityType.DisplayName()} is audited but declares no row-level security: the entries' owner is its row-level security owner.");
        }

        foreach (var name in audit.Excluded)
        {
            if (entityType.FindProperty(name) is null)
            {
                throw new InvalidOperationException(
                    $"The audit declaration of {entityType.DisplayName()} excludes '{name}', which is not one of its properties.");
            }
        }

        var owner = entityType.GetRowLevelSecurity()!.Owner;
        foreach (var named in new[] { key.Name, owner }.OfType<string>())
        {
            if (audit.Excluded.Contains(named, StringComparer.Ordinal))
            {
                throw new InvalidOperationException(
                    $"The audit declaration of {entityType.DisplayName()} excludes '{named}', which names the row or its owner in every entry.");
            }
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
