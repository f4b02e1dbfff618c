using Domain.Persistence.Migrations.Sql;
using Domain.Persistence.RowLevelSecurity;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Domain.Persistence.Migrations
{
    /// <summary>
    /// Admins become a database role of their own (<c>domain_admin</c>) with their own policies, so that
    /// <c>authenticated</c> has one permissive policy per command and a query relying on the policies alone uses the
    /// owner index; and every table's row-level security now comes from its declaration in the model. Up creates the
    /// role (kept on the way down: roles are cluster-wide), lets <c>set_request_context</c> switch to it, drops the
    /// hand-written policies and lets the declarations (AlterTable) make theirs; Down drops those and writes the
    /// hand-written ones again, exactly as the first two migrations wrote them.
    /// </summary>
    public partial class AdminRoleAndDeclaredRowLevelSecurity : Migration
    {

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateAdminRole();
            migrationBuilder.ReplaceRequestContextProcedureAcceptingEveryDatabaseRole();
            migrationBuilder.DropHandWrittenPolicies("sessions", RowCommands.All);
            migrationBuilder.DropHandWrittenPolicies("session_revisions", RowCommands.AppendOnly);
            migrationBuilder.DropHandWrittenPolicies("session_drafts", RowCommands.All);
            migrationBuilder.DropHandWrittenPolicies("hole_resolutions", RowCommands.All);
            migrationBuilder.DropHandWrittenPolicies("conversations", RowCommands.All);
            migrationBuilder.DropHandWrittenPolicies("messages", RowCommands.AppendOnly);
            migrationBuilder.DropHandWrittenPolicies("usage_logs", RowCommands.Select);

            migrationBuilder.GrantViewsToAdmins();

            migrationBuilder.AlterTable(
                name: "usage_logs",
                schema: "public")
                .Annotation("Domain:RowLevelSecurity", "ledger; owner=user_id");

            migrationBuilder.AlterTable(
                name: "sessions",
                schema: "public")
                .Annotation("Domain:RowLevelSecurity", "owned-rows; owner=user_id; commands=select,insert,update,delete; insert=archived_at,created_at,current_ir,description,finalized_at,id,last_revision_number,metadata,status,title,user_id; update=archived_at,current_ir,description,finalized_at,last_revision_number,metadata,status,title,updated_at");

            migrationBuilder.AlterTable(
                name: "session_revisions",
                schema: "public")
                .Annotation("Domain:RowLevelSecurity", "owned-rows; owner=user_id; commands=select,insert");

            migrationBuilder.AlterTable(
                name: "session_drafts",
                schema: "public")
                .Annotation("Domain:RowLevelSecurity", "owned-rows; owner=user_id; commands=select,insert,update,delete; update=is_valid,validation_details");

            migrationBuilder.AlterTable(
                name: "messages",
                schema: "public")
                .Annotation("Domain:RowLevelSecurity", "owned-rows; owner=user_id; commands=select,insert");

            migrationBuilder.AlterTable(
                name: "hole_resolutions",
                schema: "public")
                .Annotation("Domain:RowLevelSecurity", "owned-rows; owner=user_id; commands=select,insert,update,delete; update=confidence,resolution_value,resolved_at");

            migrationBuilder.AlterTable(
                name: "conversations",
                schema: "public")
                .Annotation("Domain:RowLevelSecurity", "owned-rows; owner=user_id; commands=select,insert,update,delete; insert=archived_at,continuation_id,created_at,id,last_sequence,metadata,session_id,title,user_id; update=archived_at,last_sequence,metadata,title,updated_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The AlterTable operations below undo the declarations first (before any other step of this Down).
            migrationBuilder.RevokeViewsFromAdmins();
            migrationBuilder.EnableOwnerRls("sessions", OwnerCommands.All,
                insertColumns: ["id", "user_id", "title", "description", "status", "current_ir", "metadata", "last_revision_number",
                    "created_at", "finalized_at", "archived_at"],
                updateColumns: ["title", "description", "status", "current_ir", "metadata", "last_revision_number", "finalized_at",
                    "archived_at", "updated_at"]);
            migrationBuilder.EnableOwnerRls("session_revisions", OwnerCommands.Select | OwnerCommands.Insert);
            migrationBuilder.EnableOwnerRls("session_drafts", OwnerCommands.All,
                updateColumns: ["is_valid", "validation_details"]);
            migrationBuilder.EnableOwnerRls("hole_resolutions", OwnerCommands.All,
                updateColumns: ["resolution_value", "confidence", "resolved_at"]);
            migrationBuilder.EnableOwnerRls("conversations", OwnerCommands.All,
                insertColumns: ["id", "user_id", "session_id", "continuation_id", "title", "metadata", "last_sequence", "created_at", "archived_at"],
                updateColumns: ["title", "metadata", "last_sequence", "archived_at", "updated_at"]);
            migrationBuilder.EnableOwnerRls("messages", OwnerCommands.Select | OwnerCommands.Insert);
            migrationBuilder.EnableLedgerRls("usage_logs");
            migrationBuilder.ReplaceRequestContextProcedureWithEverySetting();
            migrationBuilder.RevokeAdminRoleSchemaUsage();

            migrationBuilder.AlterTable(
                name: "usage_logs",
                schema: "public")
                .OldAnnotation("Domain:RowLevelSecurity", "ledger; owner=user_id");

            migrationBuilder.AlterTable(
                name: "sessions",
                schema: "public")
                .OldAnnotation("Domain:RowLevelSecurity", "owned-rows; owner=user_id; commands=select,insert,update,delete; insert=archived_at,created_at,current_ir,description,finalized_at,id,last_revision_number,metadata,status,title,user_id; update=archived_at,current_ir,description,finalized_at,last_revision_number,metadata,status,title,updated_at");

            migrationBuilder.AlterTable(
                name: "session_revisions",
                schema: "public")
                .OldAnnotation("Domain:RowLevelSecurity", "owned-rows; owner=user_id; commands=select,insert");

            migrationBuilder.AlterTable(
                name: "session_drafts",
                schema: "public")
                .OldAnnotation("Domain:RowLevelSecurity", "owned-rows; owner=user_id; commands=select,insert,update,delete; update=is_valid,validation_details");

            migrationBuilder.AlterTable(
                name: "messages",
                schema: "public")
                .OldAnnotation("Domain:RowLevelSecurity", "owned-rows; owner=user_id; commands=select,insert");

            migrationBuilder.AlterTable(
                name: "hole_resolutions",
                schema: "public")
                .OldAnnotation("Domain:RowLevelSecurity", "owned-rows; owner=user_id; commands=select,insert,update,delete; update=confidence,resolution_value,resolved_at");

            migrationBuilder.AlterTable(
                name: "conversations",
                schema: "public")
                .OldAnnotation("Domain:RowLevelSecurity", "owned-rows; owner=user_id; commands=select,insert,update,delete; insert=archived_at,continuation_id,created_at,id,last_sequence,metadata,session_id,title,user_id; update=archived_at,last_sequence,metadata,title,updated_at");
        }
    }
}
