using Domain.Cli.MigrationInspection;
using Domain.Persistence.MigrationSafety;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Domain.UnitTests.Migrations;

public sealed class MigrationLinterTests
{
    [Fact]
    public void Lint_DropColumnWithoutDeclaration_IsAnError()
    {
        var findings = MigrationLinter.Lint(new DropsColumn());

        var finding = Assert.Single(findings);
        Assert.Equal(LintSeverity.Error, finding.Severity);
        Assert.Equal("drop-column", finding.Rule);
        Assert.Contains("public.sessions.title", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_DropColumnDeclaredOnPurpose_IsAllowedWithTheReason()
    {
        var finding = Assert.Single(MigrationLinter.Lint(new DropsColumnOnPurpose()));

        Assert.Equal(LintSeverity.Allowed, finding.Severity);
        Assert.Contains("moved to metadata", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_RenamesAndNarrowing_AreErrors()
    {
        var rules = MigrationLinter.Lint(new RenamesAndNarrows()).Select(f => (f.Rule, f.Severity)).ToList();

        Assert.Contains(("rename-table", LintSeverity.Error), rules);
        Assert.Contains(("rename-column", LintSeverity.Error), rules);
        Assert.Contains(("narrow-column", LintSeverity.Error), rules);
        Assert.Equal(3, rules.Count);
    }

    [Fact]
    public void Lint_WideningAColumn_IsFine()
    {
        Assert.Empty(MigrationLinter.Lint(new Widens()));
    }

    [Fact]
    public void Lint_DestructiveRawSql_IsAnError()
    {
        var finding = Assert.Single(MigrationLinter.Lint(new RawDrop()));

        Assert.Equal("destructive-sql", finding.Rule);
        Assert.Equal(LintSeverity.Error, finding.Severity);
    }

    [Theory]
    [InlineData("TRUNCATE public.sessions;", true)]
    [InlineData("truncate table public.sessions cascade;", true)]
    [InlineData("CREATE TRIGGER t AFTER TRUNCATE ON public.sessions FOR EACH STATEMENT EXECUTE FUNCTION f();", false)]
    [InlineData("CREATE TRIGGER t BEFORE UPDATE OR DELETE OR TRUNCATE ON public.audit_logs FOR EACH STATEMENT EXECUTE FUNCTION f();", false)]
    [InlineData("CREATE FUNCTION domain_private.record_truncate() RETURNS trigger LANGUAGE sql AS 'select null';", false)]
    public void Lint_Truncate_IsAnErrorOnlyAsAStatement_NotAsATriggersEvent(string sql, bool destructive)
    {
        var findings = MigrationLinter.Lint(new RawSql(sql));

        Assert.Equal(destructive, findings.Any(f => f.Rule == "destructive-sql"));
    }

    [Fact]
    public void Lint_IndexOnExistingTable_WarnsUnlessConcurrent()
    {
        var findings = MigrationLinter.Lint(new IndexesExistingTable());

        var finding = Assert.Single(findings);
        Assert.Equal(LintSeverity.Warning, finding.Severity);
        Assert.Equal("index-locks-table", finding.Rule);
        Assert.Contains("ix_plain", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_EveryShippedMigration_HasNoErrors()
    {
        var migrations = MigrationLinter.ShippedMigrations();

        Assert.NotEmpty(migrations);
        Assert.DoesNotContain(migrations.SelectMany(MigrationLinter.Lint), f => f.Severity == LintSeverity.Error);
    }

    private sealed class DropsColumn : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.DropColumn("title", "sessions", "public");
    }

    [AllowDestructiveChanges("title moved to metadata")]
    private sealed class DropsColumnOnPurpose : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.DropColumn("title", "sessions", "public");
    }

    private sealed class RenamesAndNarrows : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameTable("sessions", "public", "prompt_sessions");
            migrationBuilder.RenameColumn("title", "sessions", "name", "public");
            migrationBuilder.AlterColumn<string>("title", "sessions", maxLength: 50, schema: "public", oldMaxLength: 200);
        }
    }

    private sealed class Widens : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>("title", "sessions", maxLength: 400, nullable: true, schema: "public", oldMaxLength: 200);
        }
    }

    private sealed class RawDrop : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("drop table public.sessions;");
    }

    private sealed class RawSql(string sql) : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(sql);
    }

    private sealed class IndexesExistingTable : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex("ix_plain", "sessions", "title", "public");
            migrationBuilder.CreateIndex("ix_concurrent", "sessions", "status", "public").Annotation("Npgsql:CreatedConcurrently", true);
            migrationBuilder.CreateTable("fresh", t => new { id = t.Column<int>() }, "public");
            migrationBuilder.CreateIndex("ix_fresh", "fresh", "id", "public");
        }
    }
}
