using System;
using Domain.Persistence.Migrations.Sql;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Domain.Persistence.Migrations
{
    /// <summary>
    /// Prompts (issue 16): <c>system_prompts</c> with numbered, immutable <c>prompt_versions</c> and the one active
    /// version held by the prompt row (a deferred key to one of its own versions), both shared reference data; the
    /// <c>prompt_performance</c> ledger; the catalog version that caches of active prompts poll; and the admins' view
    /// <c>prompt_version_results</c>.
    /// </summary>
    public partial class Prompts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "system_prompts",
                schema: "public",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    tool_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    provider = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    tier = table.Column<int>(type: "integer", nullable: false),
                    description = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    active_version_number = table.Column<int>(type: "integer", nullable: true),
                    activated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_version_number = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_system_prompts", x => x.id);
                    table.CheckConstraint("ck_system_prompts_active_version", "(active_version_number is null) = (activated_at is null) and (active_version_number is null or active_version_number between 1 and last_version_number)");
                    table.CheckConstraint("ck_system_prompts_provider_length", "char_length(provider) between 1 and 100");
                    table.CheckConstraint("ck_system_prompts_tier", "tier between 0 and 3");
                    table.CheckConstraint("ck_system_prompts_tool_name_length", "char_length(tool_name) between 1 and 100");
                })
                .Annotation("Domain:RowLevelSecurity", "shared-reference-data; commands=select,insert,update; insert=activated_at,active_version_number,created_at,description,id,last_version_number,provider,tier,tool_name; update=activated_at,active_version_number,description,last_version_number,tier,updated_at");

            migrationBuilder.CreateTable(
                name: "prompt_versions",
                schema: "public",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    prompt_id = table.Column<Guid>(type: "uuid", nullable: false),
                    version_number = table.Column<int>(type: "integer", nullable: false),
                    content = table.Column<string>(type: "text", nullable: false),
                    content_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    notes = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    author_id = table.Column<Guid>(type: "uuid", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_prompt_versions", x => x.id);
                    table.UniqueConstraint("ak_prompt_versions_prompt_id_version_number", x => new { x.prompt_id, x.version_number });
                    table.CheckConstraint("ck_prompt_versions_content_hash", "content_hash = encode(sha256(convert_to(content, 'UTF8')), 'hex')");
                    table.CheckConstraint("ck_prompt_versions_content_length", "char_length(content) between 1 and 200000");
                    table.CheckConstraint("ck_prompt_versions_number_positive", "version_number >= 1");
                    table.ForeignKey(
                        name: "fk_prompt_versions_system_prompts_prompt_id",
                        column: x => x.prompt_id,
                        principalSchema: "public",
                        principalTable: "system_prompts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                })
                .Annotation("Domain:RowLevelSecurity", "shared-reference-data; commands=select,insert");

            migrationBuilder.CreateTable(
                name: "prompt_performance",
                schema: "public",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    prompt_version_id = table.Column<Guid>(type: "uuid", nullable: false),
                    token_count = table.Column<int>(type: "integer", nullable: false),
                    latency_ms = table.Column<int>(type: "integer", nullable: false),
                    succeeded = table.Column<bool>(type: "boolean", nullable: false),
                    quality_score = table.Column<double>(type: "double precision", nullable: true),
                    error_message = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_prompt_performance", x => x.id);
                    table.CheckConstraint("ck_prompt_performance_error_on_failure", "error_message is null or not succeeded");
                    table.CheckConstraint("ck_prompt_performance_latency", "latency_ms >= 0");
                    table.CheckConstraint("ck_prompt_performance_quality_score", "quality_score is null or quality_score between 0 and 1");
                    table.CheckConstraint("ck_prompt_performance_tokens", "token_count >= 0");
                    table.ForeignKey(
                        name: "fk_prompt_performance_prompt_versions_prompt_version_id",
                        column: x => x.prompt_version_id,
                        principalSchema: "public",
                        principalTable: "prompt_versions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                })
                .Annotation("Domain:RowLevelSecurity", "ledger; owner=user_id");

            migrationBuilder.CreateIndex(
                name: "ix_prompt_performance_prompt_version_id_occurred_at",
                schema: "public",
                table: "prompt_performance",
                columns: new[] { "prompt_version_id", "occurred_at" });

            migrationBuilder.CreateIndex(
                name: "ix_prompt_performance_user_id_occurred_at",
                schema: "public",
                table: "prompt_performance",
                columns: new[] { "user_id", "occurred_at" });

            migrationBuilder.CreateIndex(
                name: "ix_prompt_versions_prompt_id_content_hash",
                schema: "public",
                table: "prompt_versions",
                columns: new[] { "prompt_id", "content_hash" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_system_prompts_id_active_version_number",
                schema: "public",
                table: "system_prompts",
                columns: new[] { "id", "active_version_number" });

            migrationBuilder.CreateIndex(
                name: "ix_system_prompts_tool_name_provider",
                schema: "public",
                table: "system_prompts",
                columns: new[] { "tool_name", "provider" },
                unique: true);

            migrationBuilder.AddActiveVersionForeignKey();
            migrationBuilder.CreateUpdatedAtTrigger("system_prompts");
            migrationBuilder.CreatePromptCatalogVersion();
            migrationBuilder.CreateSecurityInvokerViewForAdmins("prompt_version_results", PromptViews.VersionResults);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropView("prompt_version_results");
            migrationBuilder.DropPromptCatalogVersion();
            migrationBuilder.DropUpdatedAtTrigger("system_prompts");
            migrationBuilder.DropActiveVersionForeignKey();

            migrationBuilder.DropTable(
                name: "prompt_performance",
                schema: "public");

            migrationBuilder.DropTable(
                name: "prompt_versions",
                schema: "public");

            migrationBuilder.DropTable(
                name: "system_prompts",
                schema: "public");
        }
    }
}
