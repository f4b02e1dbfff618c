using Domain.Persistence.Auditing;
using Domain.Persistence.RowLevelSecurity;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure.Internal;
using Npgsql.EntityFrameworkCore.PostgreSQL.Migrations;

namespace Domain.Persistence.TableDeclarations;

// The provider's own features travel this way (annotations its generator reads); its options type is internal API.
#pragma warning disable EF1001

/// <summary>
/// Npgsql's migrations SQL generator, plus the table declarations of this model. Row-level security: a table created
/// with a declaration gets RLS enabled, its privileges and its policies; a declaration changed on AlterTable gets only
/// the difference; one removed is undone (policies dropped, privileges revoked, RLS disabled). Auditing: an audited
/// table gets the audit triggers (<see cref="AuditTriggers"/>); a changed declaration replaces them; a removed one
/// drops them. So a migration's Up and Down both follow the declarations, and a change to one shows in
/// <c>dotnet ef migrations add</c> like a change to a column.
/// </summary>
/// <remarks>
/// Within one migration, what goes away is dropped before the migration's other operations and what comes is made
/// after all of them: EF orders AlterTable before the columns it adds and after those it drops, and a policy or a
/// column grant needs its columns to exist (a dropped column cannot still be used by a policy), and a trigger the
/// functions it calls (which a migration's own SQL creates). Operations without a declaration, as in every migration
/// written before declarations existed, generate exactly what Npgsql generates.
/// </remarks>
internal sealed class TableDeclarationMigrationsSqlGenerator(
    MigrationsSqlGeneratorDependencies dependencies, INpgsqlSingletonOptions npgsqlSingletonOptions)
    : NpgsqlMigrationsSqlGenerator(dependencies, npgsqlSingletonOptions)
{
    private readonly List<(string Table, IReadOnlyList<string> Statements)> _teardown = [];
    private readonly List<(string Table, IReadOnlyList<string> Statements)> _build = [];
    private IReadOnlyList<RenameTableOperation> _renames = [];

    /// <inheritdoc />
    public override IReadOnlyList<MigrationCommand> Generate(
        IReadOnlyList<MigrationOperation> operations,
        IModel? model = null,
        MigrationsSqlGenerationOptions options = MigrationsSqlGenerationOptions.Default)
    {
        _teardown.Clear();
        _build.Clear();
        _renames = [.. operations.OfType<RenameTableOperation>()];
        try
        {
            var commands = base.Generate(operations, model, options);
            return [.. Commands(_teardown), .. commands, .. Commands(_build)];
        }
        finally
        {
            _teardown.Clear();
            _build.Clear();
            _renames = [];
        }
    }

    /// <inheritdoc />
    protected override void Generate(CreateTableOperation operation, IModel? model, MigrationCommandListBuilder builder, bool terminate = true)
    {
        base.Generate(operation, model, builder, terminate);
        Plan(operation.Name, operation.Schema, before: null, after: Declared(operation), auditBefore: null, auditAfter: Audited(operation));
    }

    /// <inheritdoc />
    protected override void Generate(AlterTableOperation operation, IModel? model, MigrationCommandListBuilder builder)
    {
        base.Generate(operation, model, builder);
        Plan(
            operation.Name,
            operation.Schema,
            before: Declared(operation.OldTable),
            after: Declared(operation),
            auditBefore: Audited(operation.OldTable),
            auditAfter: Audited(operation));
    }

    private void Plan(
        string name, string? schema, RowLevelSecurityObjects? before, RowLevelSecurityObjects? after, AuditDeclaration? auditBefore, AuditDeclaration? auditAfter)
    {
        var newTable = Dependencies.SqlGenerationHelper.DelimitIdentifier(name, schema);
        var rename = _renames.LastOrDefault(r => (r.NewName ?? r.Name) == name && (r.NewSchema ?? r.Schema) == schema);
        var oldTable = rename is null ? newTable : Dependencies.SqlGenerationHelper.DelimitIdentifier(rename.Name, rename.Schema);
        var change = RowLevelSecurityChange.Between(oldTable, before, newTable, after);
        var audit = AuditTriggers.Between(oldTable, auditBefore, newTable, auditAfter);
        IReadOnlyList<string> teardown = [.. audit.Teardown, .. change.Teardown];
        IReadOnlyList<string> build = [.. change.Build, .. audit.Build];
        if (teardown.Count > 0)
        {
            _teardown.Add((oldTable, teardown));
        }

        if (build.Count > 0)
        {
            _build.Add((newTable, build));
        }
    }

    private RowLevelSecurityObjects? Declared(IReadOnlyAnnotatable operation)
        => operation[RowLevelSecurityAnnotationNames.Declaration] is string text
            ? RowLevelSecurityObjects.For(RowLevelSecurityDeclaration.Parse(text), column => Dependencies.SqlGenerationHelper.DelimitIdentifier(column))
            : null;

    private static AuditDeclaration? Audited(IReadOnlyAnnotatable operation)
        => operation[AuditAnnotationNames.Declaration] is string text ? AuditDeclaration.Parse(text) : null;

    /// <summary>One command per table, so a script shows each table's declarations in one place.</summary>
    private List<MigrationCommand> Commands(List<(string Table, IReadOnlyList<string> Statements)> tables)
    {
        var builder = new MigrationCommandListBuilder(Dependencies);
        foreach (var (_, statements) in tables)
        {
            foreach (var statement in statements)
            {
                builder.Append(statement).AppendLine(Dependencies.SqlGenerationHelper.StatementTerminator);
            }

            EndStatement(builder);
        }

        return [.. builder.GetCommandList()];
    }
}
