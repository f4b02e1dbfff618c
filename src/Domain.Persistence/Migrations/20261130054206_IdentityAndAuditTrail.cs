using System;
using Domain.Auditing;
using Domain.Identity;
using Domain.Persistence.Migrations.Sql;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Domain.Persistence.Migrations
{
    /// <summary>
    /// Identity and records (issue 15): <c>user_profiles</c> made by the database for every <c>auth.users</c> row (a
    /// trigger on <c>auth.users</c> calling our SECURITY DEFINER function; existing users back-filled; removed with the
    /// user), with the role that makes an admin and the monthly usage limits; <c>api_keys</c> holding only hashes; the
    /// append-only <c>audit_logs</c> and its functions, with <c>sessions</c>, <c>conversations</c>, <c>user_profiles</c>
    /// and <c>api_keys</c> audited (the triggers come from the model's declarations); Supabase's custom access token
    /// hook; and the index the monthly limit check reads <c>usage_logs</c> through.
    /// </summary>
    public partial class IdentityAndAuditTrail : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:Enum:public.audit_operation", "insert,update,delete,truncate")
                .Annotation("Npgsql:Enum:public.message_role", "system,user,assistant,tool")
                .Annotation("Npgsql:Enum:public.session_status", "active,finalized,archived")
                .Annotation("Npgsql:Enum:public.user_role", "user,admin")
                .OldAnnotation("Npgsql:Enum:public.message_role", "system,user,assistant,tool")
                .OldAnnotation("Npgsql:Enum:public.session_status", "active,finalized,archived");

            migrationBuilder.AlterTable(
                name: "sessions",
                schema: "public")
                .Annotation("Domain:Audit", "audited; key=id; owner=user_id; exclude=draft_count,hole_count,last_revision_number,revision_count,updated_at")
                .Annotation("Domain:RowLevelSecurity", "owned-rows; owner=user_id; commands=select,insert,update,delete; insert=archived_at,created_at,current_ir,description,finalized_at,id,last_revision_number,metadata,status,title,user_id; update=archived_at,current_ir,description,finalized_at,last_revision_number,metadata,status,title,updated_at")
                .OldAnnotation("Domain:RowLevelSecurity", "owned-rows; owner=user_id; commands=select,insert,update,delete; insert=archived_at,created_at,current_ir,description,finalized_at,id,last_revision_number,metadata,status,title,user_id; update=archived_at,current_ir,description,finalized_at,last_revision_number,metadata,status,title,updated_at");

            migrationBuilder.AlterTable(
                name: "conversations",
                schema: "public")
                .Annotation("Domain:Audit", "audited; key=id; owner=user_id; exclude=expires_at,last_activity_at,last_message_at,last_sequence,message_count,updated_at")
                .Annotation("Domain:RowLevelSecurity", "owned-rows; owner=user_id; commands=select,insert,update,delete; insert=archived_at,context,continuation_id,created_at,expires_at,id,last_sequence,metadata,provider,session_id,title,tool_name,user_id; update=archived_at,context,expires_at,last_sequence,metadata,title,updated_at")
                .OldAnnotation("Domain:RowLevelSecurity", "owned-rows; owner=user_id; commands=select,insert,update,delete; insert=archived_at,context,continuation_id,created_at,expires_at,id,last_sequence,metadata,provider,session_id,title,tool_name,user_id; update=archived_at,context,expires_at,last_sequence,metadata,title,updated_at");

            migrationBuilder.CreateTable(
                name: "api_keys",
                schema: "public",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    prefix = table.Column<string>(type: "character varying(11)", maxLength: 11, nullable: false),
                    key_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    scopes = table.Column<string[]>(type: "text[]", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_used_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_api_keys", x => x.id);
                    table.CheckConstraint("ck_api_keys_expires_after_creation", "expires_at is null or expires_at > created_at");
                    table.CheckConstraint("ck_api_keys_key_hash_length", "octet_length(key_hash) = 32");
                    table.CheckConstraint("ck_api_keys_name_length", "char_length(name) between 1 and 100");
                    table.CheckConstraint("ck_api_keys_prefix", "prefix ~ '^dk_[A-Za-z0-9_-]{8}$'");
                    table.CheckConstraint("ck_api_keys_scopes", "cardinality(scopes) between 1 and 32 and array_position(scopes, null) is null and array_to_string(scopes, ',') ~ '^[a-z][a-z0-9_]*([:.][a-z][a-z0-9_]*)*(,[a-z][a-z0-9_]*([:.][a-z][a-z0-9_]*)*)*$' and array_to_string(scopes, ',') !~ '[^,]{65}'");
                })
                .Annotation("Domain:Audit", "audited; key=id; owner=user_id; exclude=key_hash,last_used_at")
                .Annotation("Domain:RowLevelSecurity", "owned-rows; owner=user_id; commands=select,insert,update; insert=created_at,expires_at,id,key_hash,name,prefix,scopes,user_id; update=name,revoked_at");

            migrationBuilder.CreateTable(
                name: "audit_logs",
                schema: "public",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    transaction_id = table.Column<long>(type: "bigint", nullable: false, defaultValueSql: "txid_current()"),
                    table_name = table.Column<string>(type: "text", nullable: false),
                    operation = table.Column<AuditOperation>(type: "public.audit_operation", nullable: false),
                    row_id = table.Column<Guid>(type: "uuid", nullable: true),
                    owner_id = table.Column<Guid>(type: "uuid", nullable: true),
                    actor_id = table.Column<Guid>(type: "uuid", nullable: true),
                    actor_role = table.Column<string>(type: "text", nullable: false),
                    database_role = table.Column<string>(type: "text", nullable: false),
                    old_values = table.Column<string>(type: "jsonb", nullable: true),
                    new_values = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_logs", x => x.id);
                    table.CheckConstraint("ck_audit_logs_row", "(operation = 'truncate') = (row_id is null)");
                    table.CheckConstraint("ck_audit_logs_values", "(operation = 'insert' and old_values is null and new_values is not null) or (operation = 'update' and old_values is not null and new_values is not null) or (operation = 'delete' and old_values is not null and new_values is null) or (operation = 'truncate' and old_values is null and new_values is null)");
                })
                .Annotation("Domain:RowLevelSecurity", "ledger; owner=owner_id; appended-by=triggers");

            migrationBuilder.CreateTable(
                name: "user_profiles",
                schema: "public",
                columns: table => new
                {
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    email = table.Column<string>(type: "text", nullable: true),
                    display_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    avatar_url = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true),
                    preferences = table.Column<string>(type: "jsonb", nullable: false, defaultValueSql: "'{}'::jsonb"),
                    role = table.Column<UserRole>(type: "public.user_role", nullable: false, defaultValue: UserRole.User),
                    monthly_token_limit = table.Column<long>(type: "bigint", nullable: true),
                    monthly_cost_limit_usd = table.Column<decimal>(type: "numeric(12,6)", precision: 12, scale: 6, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_user_profiles", x => x.user_id);
                    table.CheckConstraint("ck_user_profiles_avatar_url", "avatar_url is null or avatar_url ~* '^https?://[^[:space:]]+$'");
                    table.CheckConstraint("ck_user_profiles_display_name_length", "display_name is null or char_length(display_name) between 1 and 100");
                    table.CheckConstraint("ck_user_profiles_monthly_limits", "(monthly_token_limit is null or monthly_token_limit >= 0) and (monthly_cost_limit_usd is null or monthly_cost_limit_usd >= 0)");
                    table.CheckConstraint("ck_user_profiles_preferences_object", "jsonb_typeof(preferences) = 'object'");
                })
                .Annotation("Domain:Audit", "audited; key=user_id; owner=user_id; exclude=updated_at")
                .Annotation("Domain:RowLevelSecurity", "owned-rows; owner=user_id; commands=select,update; update=avatar_url,display_name,preferences");

            migrationBuilder.CreateIndex(
                name: "ix_usage_logs_user_id_occurred_at",
                schema: "public",
                table: "usage_logs",
                columns: new[] { "user_id", "occurred_at" })
                .Annotation("Npgsql:IndexInclude", new[] { "input_tokens", "output_tokens", "cost_usd" });

            migrationBuilder.CreateIndex(
                name: "ix_api_keys_key_hash",
                schema: "public",
                table: "api_keys",
                column: "key_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_api_keys_user_id_created_at",
                schema: "public",
                table: "api_keys",
                columns: new[] { "user_id", "created_at", "id" },
                descending: new[] { false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_audit_logs_owner_id_id",
                schema: "public",
                table: "audit_logs",
                columns: new[] { "owner_id", "id" },
                descending: new[] { false, true });

            migrationBuilder.CreateIndex(
                name: "ix_audit_logs_table_name_row_id_id",
                schema: "public",
                table: "audit_logs",
                columns: new[] { "table_name", "row_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_user_profiles_created_at",
                schema: "public",
                table: "user_profiles",
                columns: new[] { "created_at", "user_id" },
                descending: new bool[0]);

            migrationBuilder.CreateAuditTrail();
            migrationBuilder.CreateUpdatedAtTrigger("user_profiles");
            migrationBuilder.AddUserForeignKey("user_profiles");
            migrationBuilder.AddUserForeignKey("api_keys");
            migrationBuilder.CreateApiKeyRevocationGuard();
            migrationBuilder.CreateUserProfilesFromAuthUsers();
            migrationBuilder.CreateAccessTokenHook();
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropAccessTokenHook();
            migrationBuilder.DropUserProfilesFromAuthUsers();
            migrationBuilder.DropApiKeyRevocationGuard();

            migrationBuilder.DropTable(
                name: "api_keys",
                schema: "public");

            migrationBuilder.DropTable(
                name: "audit_logs",
                schema: "public");

            migrationBuilder.DropTable(
                name: "user_profiles",
                schema: "public");

            migrationBuilder.DropIndex(
                name: "ix_usage_logs_user_id_occurred_at",
                schema: "public",
                table: "usage_logs");

            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:Enum:public.message_role", "system,user,assistant,tool")
                .Annotation("Npgsql:Enum:public.session_status", "active,finalized,archived")
                .OldAnnotation("Npgsql:Enum:public.audit_operation", "insert,update,delete,truncate")
                .OldAnnotation("Npgsql:Enum:public.message_role", "system,user,assistant,tool")
                .OldAnnotation("Npgsql:Enum:public.session_status", "active,finalized,archived")
                .OldAnnotation("Npgsql:Enum:public.user_role", "user,admin");

            migrationBuilder.AlterTable(
                name: "sessions",
                schema: "public")
                .Annotation("Domain:RowLevelSecurity", "owned-rows; owner=user_id; commands=select,insert,update,delete; insert=archived_at,created_at,current_ir,description,finalized_at,id,last_revision_number,metadata,status,title,user_id; update=archived_at,current_ir,description,finalized_at,last_revision_number,metadata,status,title,updated_at")
                .OldAnnotation("Domain:Audit", "audited; key=id; owner=user_id; exclude=draft_count,hole_count,last_revision_number,revision_count,updated_at")
                .OldAnnotation("Domain:RowLevelSecurity", "owned-rows; owner=user_id; commands=select,insert,update,delete; insert=archived_at,created_at,current_ir,description,finalized_at,id,last_revision_number,metadata,status,title,user_id; update=archived_at,current_ir,description,finalized_at,last_revision_number,metadata,status,title,updated_at");

            migrationBuilder.AlterTable(
                name: "conversations",
                schema: "public")
                .Annotation("Domain:RowLevelSecurity", "owned-rows; owner=user_id; commands=select,insert,update,delete; insert=archived_at,context,continuation_id,created_at,expires_at,id,last_sequence,metadata,provider,session_id,title,tool_name,user_id; update=archived_at,context,expires_at,last_sequence,metadata,title,updated_at")
                .OldAnnotation("Domain:Audit", "audited; key=id; owner=user_id; exclude=expires_at,last_activity_at,last_message_at,last_sequence,message_count,updated_at")
                .OldAnnotation("Domain:RowLevelSecurity", "owned-rows; owner=user_id; commands=select,insert,update,delete; insert=archived_at,context,continuation_id,created_at,expires_at,id,last_sequence,metadata,provider,session_id,title,tool_name,user_id; update=archived_at,context,expires_at,last_sequence,metadata,title,updated_at");

            // After every audited table lost its triggers (the generator drops them first) and audit_logs is gone.
            migrationBuilder.DropAuditTrail();
        }
    }
}
