using Domain.Identity;
using Domain.Persistence;
using Domain.Persistence.Auditing;
using Domain.Persistence.RowLevelSecurity;
using Domain.Sessions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using static Domain.UnitTests.Persistence.RowLevelSecurityMigrationTests;

namespace Domain.UnitTests.Persistence;

/// <summary>
/// Auditing declared in the model: the canonical text, what the model refuses, and what EF's differ and the project's
/// generator make of a declaration that comes, changes or goes (the triggers, Up and Down), without a database.
/// </summary>
public sealed class AuditDeclarationTests
{
    private const string RowChange = "domain_private.record_row_change";

    [Theory]
    [InlineData("audited")]
    [InlineData("audited; exclude=UpdatedAt")]
    [InlineData("audited; key=id; owner=user_id; exclude=revision_count,updated_at")]
    [InlineData("audited; key=id")]
    public void CanonicalText_ParsesBackToItself(string text)
    {
        Assert.Equal(text, AuditDeclaration.Parse(text).ToString());
    }

    [Theory]
    [InlineData("audit; key=id")]
    [InlineData("audited; exclude=b,a")]
    [InlineData("audited; key=id; exclude=id")]
    [InlineData("audited; key=id; owner=user_id; exclude=user_id")]
    [InlineData("audited; owner=user_id")]
    [InlineData("audited; key=id; colour=red")]
    [InlineData("audited; exclude=bad name")]
    public void NonCanonicalOrInconsistentText_IsRefused(string text)
    {
        Assert.Throws<FormatException>(() => AuditDeclaration.Parse(text));
    }

    [Fact]
    public void TheShippedModel_AuditsSessionsConversationsFilesProfilesKeysAndPrompts_WithTheirKeysOwnersAndExclusions()
    {
        using var context = Context<ModelAsShipped>();
        var tables = context.GetService<IDesignTimeModel>().Model.GetRelationalModel().Tables
            .Where(t => t.Schema == DatabaseSchemas.Public)
            .Where(t => t.GetAudit() is not null)
            .ToDictionary(t => t.Name, t => t.GetAudit()?.ToString());

        Assert.Equal(
            new Dictionary<string, string?>
            {
                ["api_keys"] = "audited; key=id; owner=user_id; exclude=key_hash,last_used_at",
                ["conversations"] = "audited; key=id; owner=user_id; exclude=expires_at,last_activity_at,last_message_at,last_sequence,message_count,updated_at",
                ["files"] = "audited; key=id; owner=user_id; exclude=access_count,last_accessed_at,updated_at",
                ["prompt_versions"] = "audited; key=id",
                ["sessions"] = "audited; key=id; owner=user_id; exclude=draft_count,hole_count,last_revision_number,revision_count,updated_at",
                ["system_prompts"] = "audited; key=id; exclude=last_version_number,updated_at",
                ["user_profiles"] = "audited; key=user_id; owner=user_id; exclude=updated_at",
            },
            tables);
    }

    [Fact]
    public void ANewAuditedTable_GetsItsTriggers_AfterItsRowLevelSecurity()
    {
        var (operations, sql) = Migrate<ModelAsShipped, WithAuditedBookmarks>();

        Assert.IsType<CreateTableOperation>(operations[0]);
        var rls = sql.IndexOf("ALTER TABLE public.probe_bookmarks ENABLE ROW LEVEL SECURITY;");
        var changes = sql.FindIndex(s => s.StartsWith("CREATE TRIGGER audit_row_changes", StringComparison.Ordinal));
        Assert.True(rls >= 0 && changes > rls, string.Join('\n', sql));
        Assert.Equal(
        [
            $"CREATE TRIGGER audit_row_changes AFTER INSERT OR DELETE ON public.probe_bookmarks FOR EACH ROW EXECUTE FUNCTION {RowChange}('id', 'user_id', 'url');",
            "CREATE TRIGGER audit_row_updates AFTER UPDATE ON public.probe_bookmarks FOR EACH ROW WHEN ((to_jsonb(OLD.*) - '{url}'::text[]) IS DISTINCT FROM "
                + $"(to_jsonb(NEW.*) - '{{url}}'::text[])) EXECUTE FUNCTION {RowChange}('id', 'user_id', 'url');",
            "CREATE TRIGGER audit_truncate AFTER TRUNCATE ON public.probe_bookmarks FOR EACH STATEMENT EXECUTE FUNCTION domain_private.record_truncate();",
        ], sql[changes..]);
    }

    [Fact]
    public void AuditingAnExistingTable_IsOneAlterTable_WhoseSqlIsTheTriggers_AndItsReverseDropsThem()
    {
        var (up, upSql) = Migrate<WithDeclaredBookmarks, WithAuditedBookmarks>();
        var (down, downSql) = Migrate<WithAuditedBookmarks, WithDeclaredBookmarks>();

        Assert.IsType<AlterTableOperation>(Assert.Single(up));
        Assert.IsType<AlterTableOperation>(Assert.Single(down));
        Assert.Equal(3, upSql.Count);
        Assert.All(upSql, s => Assert.StartsWith("CREATE TRIGGER audit_", s, StringComparison.Ordinal));
        Assert.Equal(
        [
            "DROP TRIGGER audit_row_changes ON public.probe_bookmarks;",
            "DROP TRIGGER audit_row_updates ON public.probe_bookmarks;",
            "DROP TRIGGER audit_truncate ON public.probe_bookmarks;",
        ], downSql);
    }

    [Fact]
    public void ChangedExclusions_ReplaceTheTriggers_TheOldOnesDroppedFirst()
    {
        var (operations, sql) = Migrate<WithAuditedBookmarks, WithBookmarksAuditedInFull>();

        Assert.IsType<AlterTableOperation>(Assert.Single(operations));
        Assert.Equal(6, sql.Count);
        Assert.All(sql[..3], s => Assert.StartsWith("DROP TRIGGER", s, StringComparison.Ordinal));
        Assert.Equal(
            "CREATE TRIGGER audit_row_updates AFTER UPDATE ON public.probe_bookmarks FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) "
                + $"EXECUTE FUNCTION {RowChange}('id', 'user_id');",
            sql[4]);
    }

    [Fact]
    public void SharedReferenceData_IsAuditedWithoutAnOwner()
    {
        var (_, sql) = Migrate<ModelAsShipped, WithAuditedTips>();

        Assert.Contains($"CREATE TRIGGER audit_row_changes AFTER INSERT OR DELETE ON public.tips FOR EACH ROW EXECUTE FUNCTION {RowChange}('id', '');", sql);
    }

    [Theory]
    [InlineData(typeof(AuditedWithoutRowLevelSecurity), "declares no row-level security")]
    [InlineData(typeof(AuditedExcludingWhatItLacks), "'Colour'")]
    [InlineData(typeof(AuditedExcludingItsOwner), "'UserId'")]
    [InlineData(typeof(AuditedWithACompositeKey), "primary key")]
    public void AnInconsistentAuditDeclaration_FailsTheModel(Type customizer, string named)
    {
        using var context = (DomainDbContext)typeof(RowLevelSecurityMigrationTests)
            .GetMethod(nameof(Context), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(customizer)
            .Invoke(null, null)!;

        var ex = Assert.Throws<InvalidOperationException>(() => context.GetService<IDesignTimeModel>().Model);

        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }

    public sealed class WithAuditedBookmarks(ModelCustomizerDependencies dependencies) : ModelAsShipped(dependencies)
    {
        public override void Customize(ModelBuilder modelBuilder, DbContext context)
        {
            base.Customize(modelBuilder, context);
            modelBuilder.Entity<ProbeBookmark>(b =>
            {
                b.ToTable("probe_bookmarks");
                b.HasRowLevelSecurity(rls => rls.OwnedBy(x => x.UserId).Commands(RowCommands.Select | RowCommands.Insert | RowCommands.Delete));
                b.IsAudited(audit => audit.Excluding(x => x.Url));
            });
        }
    }

    public sealed class WithBookmarksAuditedInFull(ModelCustomizerDependencies dependencies) : ModelAsShipped(dependencies)
    {
        public override void Customize(ModelBuilder modelBuilder, DbContext context)
        {
            base.Customize(modelBuilder, context);
            modelBuilder.Entity<ProbeBookmark>(b =>
            {
                b.ToTable("probe_bookmarks");
                b.HasRowLevelSecurity(rls => rls.OwnedBy(x => x.UserId).Commands(RowCommands.Select | RowCommands.Insert | RowCommands.Delete));
                b.IsAudited();
            });
        }
    }

    public sealed class WithAuditedTips(ModelCustomizerDependencies dependencies) : ModelAsShipped(dependencies)
    {
        public override void Customize(ModelBuilder modelBuilder, DbContext context)
        {
            base.Customize(modelBuilder, context);
            modelBuilder.Entity<Tip>(b =>
            {
                b.ToTable("tips");
                b.HasRowLevelSecurity(rls => rls.SharedReferenceData());
                b.IsAudited();
            });
        }
    }

    public sealed class AuditedWithoutRowLevelSecurity(ModelCustomizerDependencies dependencies) : ModelAsShipped(dependencies)
    {
        public override void Customize(ModelBuilder modelBuilder, DbContext context)
        {
            base.Customize(modelBuilder, context);
            modelBuilder.Entity<ProbeBookmark>(b =>
            {
                b.ToTable("probe_bookmarks", DatabaseSchemas.Operations);
                b.IsAudited();
            });
        }
    }

    public sealed class AuditedExcludingWhatItLacks(ModelCustomizerDependencies dependencies) : ModelAsShipped(dependencies)
    {
        public override void Customize(ModelBuilder modelBuilder, DbContext context)
        {
            base.Customize(modelBuilder, context);
            modelBuilder.Entity<Session>().HasAnnotation(AuditAnnotationNames.Declaration, "audited; exclude=Colour");
        }
    }

    public sealed class AuditedExcludingItsOwner(ModelCustomizerDependencies dependencies) : ModelAsShipped(dependencies)
    {
        public override void Customize(ModelBuilder modelBuilder, DbContext context)
        {
            base.Customize(modelBuilder, context);
            modelBuilder.Entity<ApiKey>().IsAudited(audit => audit.Excluding(k => k.UserId));
        }
    }

    public sealed class AuditedWithACompositeKey(ModelCustomizerDependencies dependencies) : ModelAsShipped(dependencies)
    {
        public override void Customize(ModelBuilder modelBuilder, DbContext context)
        {
            base.Customize(modelBuilder, context);
            modelBuilder.Entity<ProbeBookmark>(b =>
            {
                b.ToTable("probe_bookmarks");
                b.HasKey(x => new { x.Id, x.UserId });
                b.HasRowLevelSecurity(rls => rls.OwnedBy(x => x.UserId));
                b.IsAudited();
            });
        }
    }
}
