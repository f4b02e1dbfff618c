using System;
using Domain.Persistence.Migrations.Sql;
using Domain.Sessions;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Domain.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class InitialSessions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateSupabaseCompatibility();
            migrationBuilder.CreatePrivateSchema();
            migrationBuilder.CreateRequestContextProcedure();
            migrationBuilder.CreateUpdatedAtFunction();

            migrationBuilder.EnsureSchema(
                name: "public");

            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:Enum:public.session_status", "active,finalized,archived");

            migrationBuilder.CreateTable(
                name: "sessions",
                schema: "public",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    description = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    status = table.Column<SessionStatus>(type: "public.session_status", nullable: false),
                    current_ir = table.Column<string>(type: "jsonb", nullable: true),
                    metadata = table.Column<string>(type: "jsonb", nullable: false, defaultValueSql: "'{}'::jsonb"),
                    last_revision_number = table.Column<int>(type: "integer", nullable: false),
                    revision_count = table.Column<int>(type: "integer", nullable: false, defaultValueSql: "0"),
                    draft_count = table.Column<int>(type: "integer", nullable: false, defaultValueSql: "0"),
                    hole_count = table.Column<int>(type: "integer", nullable: false, defaultValueSql: "0"),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    finalized_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    archived_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sessions", x => x.id);
                    table.UniqueConstraint("ak_sessions_id_user_id", x => new { x.id, x.user_id });
                    table.CheckConstraint("ck_sessions_counters_non_negative", "revision_count >= 0 and draft_count >= 0 and hole_count >= 0");
                    table.CheckConstraint("ck_sessions_current_ir_object", "current_ir is null or jsonb_typeof(current_ir) = 'object'");
                    table.CheckConstraint("ck_sessions_metadata_object", "jsonb_typeof(metadata) = 'object'");
                    table.CheckConstraint("ck_sessions_revision_numbers", "last_revision_number >= revision_count");
                    table.CheckConstraint("ck_sessions_status_timestamps", "(status = 'active' and finalized_at is null and archived_at is null) or (status = 'finalized' and finalized_at is not null and archived_at is null) or (status = 'archived' and archived_at is not null)");
                    table.CheckConstraint("ck_sessions_title_length", "char_length(title) between 1 and 200");
                });

            migrationBuilder.CreateTable(
                name: "hole_resolutions",
                schema: "public",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    session_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    hole_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    resolution_value = table.Column<string>(type: "jsonb", nullable: false),
                    confidence = table.Column<double>(type: "double precision", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    resolved_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_hole_resolutions", x => x.id);
                    table.CheckConstraint("ck_hole_resolutions_confidence_range", "confidence >= 0.0 and confidence <= 1.0");
                    table.CheckConstraint("ck_hole_resolutions_hole_id", "hole_id ~ '^[A-Za-z?][A-Za-z0-9_.:-]*$'");
                    table.ForeignKey(
                        name: "fk_hole_resolutions_sessions_session_id_user_id",
                        columns: x => new { x.session_id, x.user_id },
                        principalSchema: "public",
                        principalTable: "sessions",
                        principalColumns: new[] { "id", "user_id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "session_drafts",
                schema: "public",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    session_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    revision_number = table.Column<int>(type: "integer", nullable: false),
                    code = table.Column<string>(type: "text", nullable: false),
                    language = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    is_valid = table.Column<bool>(type: "boolean", nullable: false),
                    validation_details = table.Column<string>(type: "jsonb", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_session_drafts", x => x.id);
                    table.CheckConstraint("ck_session_drafts_code_not_empty", "char_length(code) > 0");
                    table.CheckConstraint("ck_session_drafts_language", "language ~ '^[a-z][a-z0-9+#.-]*$'");
                    table.CheckConstraint("ck_session_drafts_revision_positive", "revision_number >= 1");
                    table.ForeignKey(
                        name: "fk_session_drafts_sessions_session_id_user_id",
                        columns: x => new { x.session_id, x.user_id },
                        principalSchema: "public",
                        principalTable: "sessions",
                        principalColumns: new[] { "id", "user_id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "session_revisions",
                schema: "public",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    session_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    revision_number = table.Column<int>(type: "integer", nullable: false),
                    ir = table.Column<string>(type: "jsonb", nullable: false),
                    change_summary = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_session_revisions", x => x.id);
                    table.CheckConstraint("ck_session_revisions_ir_object", "jsonb_typeof(ir) = 'object'");
                    table.CheckConstraint("ck_session_revisions_number_positive", "revision_number >= 1");
                    table.ForeignKey(
                        name: "fk_session_revisions_sessions_session_id_user_id",
                        columns: x => new { x.session_id, x.user_id },
                        principalSchema: "public",
                        principalTable: "sessions",
                        principalColumns: new[] { "id", "user_id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_hole_resolutions_session_id_hole_id",
                schema: "public",
                table: "hole_resolutions",
                columns: new[] { "session_id", "hole_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_hole_resolutions_session_id_user_id",
                schema: "public",
                table: "hole_resolutions",
                columns: new[] { "session_id", "user_id" });

            migrationBuilder.CreateIndex(
                name: "ix_hole_resolutions_user_id",
                schema: "public",
                table: "hole_resolutions",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_session_drafts_session_id_user_id_created_at",
                schema: "public",
                table: "session_drafts",
                columns: new[] { "session_id", "user_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_session_drafts_user_id_language_is_valid",
                schema: "public",
                table: "session_drafts",
                columns: new[] { "user_id", "language", "is_valid" });

            migrationBuilder.CreateIndex(
                name: "ix_session_revisions_session_id_revision_number",
                schema: "public",
                table: "session_revisions",
                columns: new[] { "session_id", "revision_number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_session_revisions_session_id_user_id",
                schema: "public",
                table: "session_revisions",
                columns: new[] { "session_id", "user_id" });

            migrationBuilder.CreateIndex(
                name: "ix_session_revisions_user_id",
                schema: "public",
                table: "session_revisions",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_sessions_metadata",
                schema: "public",
                table: "sessions",
                column: "metadata")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "jsonb_path_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_sessions_user_id_created_at",
                schema: "public",
                table: "sessions",
                columns: new[] { "user_id", "created_at", "id" },
                descending: new[] { false, true, true });

            migrationBuilder.AddUserForeignKey("sessions");
            migrationBuilder.CreateUpdatedAtTrigger("sessions");
            migrationBuilder.CreateSessionCounterTriggers();

            migrationBuilder.EnableOwnerRls("sessions", OwnerCommands.All,
                insertColumns: ["id", "user_id", "title", "description", "status", "current_ir", "metadata", "last_revision_number",
                    "created_at", "finalized_at", "archived_at"],
                updateColumns: ["title", "description", "status", "current_ir", "metadata", "last_revision_number", "finalized_at",
                    "archived_at", "updated_at"]);
            // Revisions are history: owners add and read them; they go only with their session.
            migrationBuilder.EnableOwnerRls("session_revisions", OwnerCommands.Select | OwnerCommands.Insert);
            migrationBuilder.EnableOwnerRls("session_drafts", OwnerCommands.All,
                updateColumns: ["is_valid", "validation_details"]);
            migrationBuilder.EnableOwnerRls("hole_resolutions", OwnerCommands.All,
                updateColumns: ["resolution_value", "confidence", "resolved_at"]);

            migrationBuilder.CreateSecurityInvokerView("session_summary", SessionViews.SessionSummary);
            migrationBuilder.CreateSecurityInvokerView("user_analytics", SessionViews.UserAnalytics);
            migrationBuilder.CreateSecurityInvokerView("recent_activity", SessionViews.RecentActivity);
            migrationBuilder.CreateSecurityInvokerView("draft_validation_stats", SessionViews.DraftValidationStats);

            migrationBuilder.AddToRealtime("sessions");
            migrationBuilder.AddToRealtime("session_revisions");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropFromRealtime("session_revisions");
            migrationBuilder.DropFromRealtime("sessions");
            migrationBuilder.DropView("draft_validation_stats");
            migrationBuilder.DropView("recent_activity");
            migrationBuilder.DropView("user_analytics");
            migrationBuilder.DropView("session_summary");
            migrationBuilder.DisableOwnerRls("hole_resolutions");
            migrationBuilder.DisableOwnerRls("session_drafts");
            migrationBuilder.DisableOwnerRls("session_revisions");
            migrationBuilder.DisableOwnerRls("sessions");
            migrationBuilder.DropSessionCounterTriggers();
            migrationBuilder.DropUpdatedAtTrigger("sessions");
            migrationBuilder.DropUserForeignKey("sessions");

            migrationBuilder.DropTable(
                name: "hole_resolutions",
                schema: "public");

            migrationBuilder.DropTable(
                name: "session_drafts",
                schema: "public");

            migrationBuilder.DropTable(
                name: "session_revisions",
                schema: "public");

            migrationBuilder.DropTable(
                name: "sessions",
                schema: "public");

            migrationBuilder.Sql("DROP TYPE IF EXISTS public.session_status;");
            migrationBuilder.DropUpdatedAtFunction();
            migrationBuilder.DropRequestContextProcedure();
            migrationBuilder.DropPrivateSchema();
            migrationBuilder.DropSupabaseCompatibility();
        }
    }
}
