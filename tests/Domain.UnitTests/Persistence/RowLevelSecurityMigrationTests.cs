using Domain.Persistence;
using Domain.Persistence.RowLevelSecurity;
using Domain.Persistence.TableDeclarations;
using Domain.Sessions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;

namespace Domain.UnitTests.Persistence;

/// <summary>
/// What <c>dotnet ef migrations add</c> makes of a declaration that changes, without a database: the model as shipped
/// is diffed (EF's own differ) against the same model with one declaration changed, and the operations go through the
/// project's migrations SQL generator, both ways.
/// </summary>
public sealed class RowLevelSecurityMigrationTests
{
    private const string Sessions = "public.sessions";

    private const string SessionInsertColumns =
        "INSERT (archived_at, created_at, current_ir, description, finalized_at, id, last_revision_number, metadata, status, title, user_id)";

    [Fact]
    public void TheShippedModel_DeclaresEveryTableInPublic()
    {
        using var context = Context<ModelAsShipped>();
        var model = context.GetService<IDesignTimeModel>().Model;

        Assert.Empty(TableDeclarationModelValidator.UndeclaredPublicTables(model));
        Assert.All(model.GetRelationalModel().Tables.Where(t => t.Schema == DatabaseSchemas.Public), table => Assert.NotNull(table.GetRowLevelSecurity()));
    }

    [Fact]
    public void ANewEntityInPublicWithoutADeclaration_FailsTheModel()
    {
        using var context = Context<WithUndeclaredBookmarks>();

        var ex = Assert.Throws<InvalidOperationException>(() => context.GetService<IDesignTimeModel>().Model);

        Assert.Contains("public.probe_bookmarks", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADeclarationNamingAPropertyTheEntityDoesNotHave_FailsTheModel()
    {
        using var context = Context<SessionsUpdatingAColourTheyDoNotHave>();

        var ex = Assert.Throws<InvalidOperationException>(() => context.GetService<IDesignTimeModel>().Model);

        Assert.Contains("'Colour'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADeclarationThatChanges_IsOneAlterTable_WhoseSqlIsOnlyThePolicyAndGrantDifferences()
    {
        var (operations, sql) = Migrate<ModelAsShipped, SessionsWithoutDeleteOrDescription>();

        var alter = Assert.IsType<AlterTableOperation>(Assert.Single(operations));
        Assert.Equal("sessions", alter.Name);
        Assert.Equal(
        [
            $"DROP POLICY owner_delete ON {Sessions};",
            $"DROP POLICY admin_delete ON {Sessions};",
            $"REVOKE ALL ON TABLE {Sessions} FROM authenticated;",
            $"GRANT SELECT, {SessionInsertColumns}, UPDATE (archived_at, current_ir, finalized_at, last_revision_number, metadata, status, title, "
                + $"updated_at) ON TABLE {Sessions} TO authenticated;",
            $"REVOKE ALL ON TABLE {Sessions} FROM domain_admin;",
            $"GRANT SELECT, {SessionInsertColumns}, UPDATE (archived_at, current_ir, finalized_at, last_revision_number, metadata, status, title, "
                + $"updated_at) ON TABLE {Sessions} TO domain_admin;",
        ], sql);
    }

    [Fact]
    public void TheSameChangeReverted_IsTheInverse()
    {
        var (operations, sql) = Migrate<SessionsWithoutDeleteOrDescription, ModelAsShipped>();

        Assert.IsType<AlterTableOperation>(Assert.Single(operations));
        Assert.Equal(
        [
            $"REVOKE ALL ON TABLE {Sessions} FROM authenticated;",
            $"GRANT SELECT, {SessionInsertColumns}, UPDATE (archived_at, current_ir, description, finalized_at, last_revision_number, metadata, "
                + $"status, title, updated_at), DELETE ON TABLE {Sessions} TO authenticated;",
            $"REVOKE ALL ON TABLE {Sessions} FROM domain_admin;",
            $"GRANT SELECT, {SessionInsertColumns}, UPDATE (archived_at, current_ir, description, finalized_at, last_revision_number, metadata, "
                + $"status, title, updated_at), DELETE ON TABLE {Sessions} TO domain_admin;",
            $"CREATE POLICY owner_delete ON {Sessions} AS PERMISSIVE FOR DELETE TO authenticated USING ((select auth.uid()) = user_id);",
            $"CREATE POLICY admin_delete ON {Sessions} AS PERMISSIVE FOR DELETE TO domain_admin USING ((select auth.uid()) = user_id);",
        ], sql);
    }

    [Fact]
    public void AColumnAddedAndMadeUpdatable_IsGrantedAfterItExists()
    {
        var (operations, sql) = Migrate<ModelAsShipped, SessionsWithAPinnedColumn>();

        Assert.Equal(2, operations.Count);
        var addColumn = sql.FindIndex(s => s.StartsWith($"ALTER TABLE {Sessions} ADD pinned", StringComparison.Ordinal));
        var grant = sql.FindIndex(s => s.StartsWith("GRANT ", StringComparison.Ordinal) && s.Contains("pinned", StringComparison.Ordinal));
        Assert.True(addColumn >= 0 && grant > addColumn, string.Join('\n', sql));
    }

    [Fact]
    public void ANewDeclaredTable_IsCreatedWithRlsItsPrivilegesAndOnePolicyPerRoleAndCommand()
    {
        var (operations, sql) = Migrate<ModelAsShipped, WithDeclaredBookmarks>();

        Assert.IsType<CreateTableOperation>(operations[0]);
        var create = sql.FindIndex(s => s.StartsWith("CREATE TABLE public.probe_bookmarks", StringComparison.Ordinal));
        var rls = sql.IndexOf("ALTER TABLE public.probe_bookmarks ENABLE ROW LEVEL SECURITY;");
        Assert.True(create >= 0 && rls > create, string.Join('\n', sql));
        Assert.Equal(
        [
            "ALTER TABLE public.probe_bookmarks ENABLE ROW LEVEL SECURITY;",
            "REVOKE ALL ON TABLE public.probe_bookmarks FROM PUBLIC, anon, authenticated, domain_admin, service_role;",
            "GRANT SELECT ON TABLE public.probe_bookmarks TO anon;",
            "GRANT SELECT, INSERT, DELETE ON TABLE public.probe_bookmarks TO authenticated;",
            "GRANT SELECT, INSERT, DELETE ON TABLE public.probe_bookmarks TO domain_admin;",
            "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.probe_bookmarks TO service_role;",
            "CREATE POLICY owner_select ON public.probe_bookmarks AS PERMISSIVE FOR SELECT TO authenticated USING ((select auth.uid()) = user_id);",
            "CREATE POLICY owner_insert ON public.probe_bookmarks AS PERMISSIVE FOR INSERT TO authenticated WITH CHECK ((select auth.uid()) = user_id);",
            "CREATE POLICY owner_delete ON public.probe_bookmarks AS PERMISSIVE FOR DELETE TO authenticated USING ((select auth.uid()) = user_id);",
            "CREATE POLICY admin_select ON public.probe_bookmarks AS PERMISSIVE FOR SELECT TO domain_admin USING (true);",
            "CREATE POLICY admin_insert ON public.probe_bookmarks AS PERMISSIVE FOR INSERT TO domain_admin WITH CHECK ((select auth.uid()) = user_id);",
            "CREATE POLICY admin_delete ON public.probe_bookmarks AS PERMISSIVE FOR DELETE TO domain_admin USING ((select auth.uid()) = user_id);",
        ], sql[rls..]);
    }

    [Fact]
    public void ATableDroppedWithItsDeclaration_IsOnlyDropped()
    {
        var (operations, sql) = Migrate<WithDeclaredBookmarks, ModelAsShipped>();

        Assert.IsType<DropTableOperation>(Assert.Single(operations));
        Assert.Equal(["DROP TABLE public.probe_bookmarks;"], sql);
    }

    [Fact]
    public void SharedReferenceData_IsReadByEverySignedInCaller_AndWrittenByAdmins()
    {
        var (_, sql) = Migrate<ModelAsShipped, WithSharedTips>();

        Assert.Contains("CREATE POLICY reader_select ON public.tips AS PERMISSIVE FOR SELECT TO authenticated USING (true);", sql);
        Assert.Contains("GRANT SELECT ON TABLE public.tips TO authenticated;", sql);
        Assert.Contains("GRANT SELECT, UPDATE (text) ON TABLE public.tips TO domain_admin;", sql);
        Assert.Contains("CREATE POLICY admin_update ON public.tips AS PERMISSIVE FOR UPDATE TO domain_admin USING (true) WITH CHECK (true);", sql);
        Assert.DoesNotContain(sql, s => s.Contains("owner", StringComparison.Ordinal) || s.Contains("auth.uid()", StringComparison.Ordinal));
    }

    /// <summary>Diffs the design-time model of <typeparamref name="TFrom"/> against <typeparamref name="TTo"/>'s and generates Up's SQL.</summary>
    internal static (IReadOnlyList<MigrationOperation> Operations, List<string> Sql) Migrate<TFrom, TTo>()
        where TFrom : ModelAsShipped
        where TTo : ModelAsShipped
    {
        using var from = Context<TFrom>();
        using var to = Context<TTo>();
        var target = to.GetService<IDesignTimeModel>().Model;
        var operations = to.GetService<IMigrationsModelDiffer>()
            .GetDifferences(from.GetService<IDesignTimeModel>().Model.GetRelationalModel(), target.GetRelationalModel());
        var commands = to.GetService<IMigrationsSqlGenerator>().Generate(operations, target);
        var statements = commands
            .SelectMany(c => c.CommandText.Split('\n'))
            .Select(line => line.Trim())
            .Where(line => line.Length > 0)
            .ToList();
        return (operations, statements);
    }

    /// <summary>The migrating context's configuration, with <typeparamref name="TCustomizer"/> changing the model after the shipped configurations.</summary>
    internal static DomainDbContext Context<TCustomizer>()
        where TCustomizer : ModelAsShipped
        => new(new DbContextOptionsBuilder<DomainDbContext>()
            .UseDomainModel("Host=127.0.0.1;Database=never_opened;Username=nobody")
            .ReplaceService<IModelCustomizer, TCustomizer>()
            .Options);

    public class ModelAsShipped(ModelCustomizerDependencies dependencies) : RelationalModelCustomizer(dependencies);

    public sealed class SessionsWithoutDeleteOrDescription(ModelCustomizerDependencies dependencies) : ModelAsShipped(dependencies)
    {
        public override void Customize(ModelBuilder modelBuilder, DbContext context)
        {
            base.Customize(modelBuilder, context);
            modelBuilder.Entity<Session>().HasRowLevelSecurity(rls => rls
                .OwnedBy(s => s.UserId)
                .Commands(RowCommands.Select | RowCommands.Insert | RowCommands.Update)
                .InsertColumns(s => new
                {
                    s.Id, s.UserId, s.Title, s.Description, s.Status, s.CurrentIr, s.Metadata, s.LastRevisionNumber, s.CreatedAt,
                    s.FinalizedAt, s.ArchivedAt,
                })
                .UpdateColumns(s => new { s.Title, s.Status, s.CurrentIr, s.Metadata, s.LastRevisionNumber, s.FinalizedAt, s.ArchivedAt, s.UpdatedAt }));
        }
    }

    public sealed class SessionsWithAPinnedColumn(ModelCustomizerDependencies dependencies) : ModelAsShipped(dependencies)
    {
        public override void Customize(ModelBuilder modelBuilder, DbContext context)
        {
            base.Customize(modelBuilder, context);
            var sessions = modelBuilder.Entity<Session>();
            sessions.Property<bool>("Pinned");
            sessions.HasRowLevelSecurity(rls => rls
                .OwnedBy(s => s.UserId)
                .Commands(RowCommands.All)
                .InsertColumns(s => new
                {
                    s.Id, s.UserId, s.Title, s.Description, s.Status, s.CurrentIr, s.Metadata, s.LastRevisionNumber, s.CreatedAt,
                    s.FinalizedAt, s.ArchivedAt,
                })
                .UpdateColumns(
                    nameof(Session.Title), nameof(Session.Description), nameof(Session.Status), nameof(Session.CurrentIr), nameof(Session.Metadata),
                    nameof(Session.LastRevisionNumber), nameof(Session.FinalizedAt), nameof(Session.ArchivedAt), nameof(Session.UpdatedAt), "Pinned"));
        }
    }

    public sealed class SessionsUpdatingAColourTheyDoNotHave(ModelCustomizerDependencies dependencies) : ModelAsShipped(dependencies)
    {
        public override void Customize(ModelBuilder modelBuilder, DbContext context)
        {
            base.Customize(modelBuilder, context);
            modelBuilder.Entity<Session>().HasRowLevelSecurity(rls => rls.OwnedBy(s => s.UserId).UpdateColumns("Colour"));
        }
    }

    public sealed class WithDeclaredBookmarks(ModelCustomizerDependencies dependencies) : ModelAsShipped(dependencies)
    {
        public override void Customize(ModelBuilder modelBuilder, DbContext context)
        {
            base.Customize(modelBuilder, context);
            modelBuilder.Entity<ProbeBookmark>(b =>
            {
                b.ToTable("probe_bookmarks");
                b.HasRowLevelSecurity(rls => rls.OwnedBy(x => x.UserId).Commands(RowCommands.Select | RowCommands.Insert | RowCommands.Delete));
            });
        }
    }

    public sealed class WithUndeclaredBookmarks(ModelCustomizerDependencies dependencies) : ModelAsShipped(dependencies)
    {
        public override void Customize(ModelBuilder modelBuilder, DbContext context)
        {
            base.Customize(modelBuilder, context);
            modelBuilder.Entity<ProbeBookmark>().ToTable("probe_bookmarks");
        }
    }

    public sealed class WithSharedTips(ModelCustomizerDependencies dependencies) : ModelAsShipped(dependencies)
    {
        public override void Customize(ModelBuilder modelBuilder, DbContext context)
        {
            base.Customize(modelBuilder, context);
            modelBuilder.Entity<Tip>(b =>
            {
                b.ToTable("tips");
                b.HasRowLevelSecurity(rls => rls.SharedReferenceData().Commands(RowCommands.Select | RowCommands.Update).UpdateColumns(t => t.Text));
            });
        }
    }

    public sealed class ProbeBookmark
    {
        public Guid Id { get; set; }

        public Guid UserId { get; set; }

        public string Url { get; set; } = string.Empty;
    }

    public sealed class Tip
    {
        public Guid Id { get; set; }

        public string Text { get; set; } = string.Empty;
    }
}
