using System;
using Domain.Files;
using Domain.Persistence.Migrations.Sql;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Domain.Persistence.Migrations
{
    /// <summary>
    /// Files (issue 13): the file registry (<c>files</c>, seed 001's documents and seed 004's files in one table), the
    /// copies at model providers (<c>provider_file_uploads</c>), attachments to conversations (<c>conversation_files</c>,
    /// removed with their conversation), and the deletion queue (<c>domain_ops.file_deletion_jobs</c>, the service
    /// role's only). Triggers guard the status, queue one deletion job per place a file lives in when its deletion is
    /// requested or its row is deleted, refuse a copy of a file being deleted, and mark the file deleted when its last job
    /// succeeds. <c>user_analytics</c> and <c>recent_activity</c> include files; files and attachments are published to
    /// Supabase Realtime where the publication exists.
    /// </summary>
    public partial class Files : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "domain_ops");

            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:Enum:domain_ops.file_deletion_job_status", "pending,running,succeeded,failed")
                .Annotation("Npgsql:Enum:domain_ops.file_location", "storage,provider")
                .Annotation("Npgsql:Enum:public.audit_operation", "insert,update,delete,truncate")
                .Annotation("Npgsql:Enum:public.file_status", "uploaded,ready,deleting,deleted")
                .Annotation("Npgsql:Enum:public.file_type", "document,image,audio,video,code,data,archive,other")
                .Annotation("Npgsql:Enum:public.message_role", "system,user,assistant,tool")
                .Annotation("Npgsql:Enum:public.provider_upload_status", "active,deleting,deleted")
                .Annotation("Npgsql:Enum:public.session_status", "active,finalized,archived")
                .Annotation("Npgsql:Enum:public.user_role", "user,admin")
                .OldAnnotation("Npgsql:Enum:public.audit_operation", "insert,update,delete,truncate")
                .OldAnnotation("Npgsql:Enum:public.message_role", "system,user,assistant,tool")
                .OldAnnotation("Npgsql:Enum:public.session_status", "active,finalized,archived")
                .OldAnnotation("Npgsql:Enum:public.user_role", "user,admin");

            migrationBuilder.CreateTable(
                name: "file_deletion_jobs",
                schema: "domain_ops",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    file_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    location = table.Column<FileLocation>(type: "domain_ops.file_location", nullable: false),
                    provider = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    provider_upload_id = table.Column<Guid>(type: "uuid", nullable: true),
                    target = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    status = table.Column<FileDeletionJobStatus>(type: "domain_ops.file_deletion_job_status", nullable: false, defaultValueSql: "'pending'::domain_ops.file_deletion_job_status"),
                    attempts = table.Column<int>(type: "integer", nullable: false, defaultValue: 0),
                    run_after = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    locked_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    locked_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_error = table.Column<string>(type: "text", nullable: true),
                    attempt_errors = table.Column<string>(type: "jsonb", nullable: false, defaultValueSql: "'[]'::jsonb"),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_file_deletion_jobs", x => x.id);
                    table.CheckConstraint("ck_file_deletion_jobs_attempt_errors_array", "jsonb_typeof(attempt_errors) = 'array'");
                    table.CheckConstraint("ck_file_deletion_jobs_attempts", "attempts >= 0");
                    table.CheckConstraint("ck_file_deletion_jobs_lease", "status <> 'running' or (locked_by is not null and locked_until is not null)");
                    table.CheckConstraint("ck_file_deletion_jobs_location", "(location = 'storage' and provider is null and provider_upload_id is null) or (location = 'provider' and provider is not null and provider_upload_id is not null)");
                });

            migrationBuilder.CreateTable(
                name: "files",
                schema: "public",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    storage_path = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    original_name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    mime_type = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    size_bytes = table.Column<long>(type: "bigint", nullable: false),
                    sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    file_type = table.Column<FileType>(type: "public.file_type", nullable: false),
                    status = table.Column<FileStatus>(type: "public.file_status", nullable: false),
                    is_copy = table.Column<bool>(type: "boolean", nullable: false, defaultValue: false),
                    metadata = table.Column<string>(type: "jsonb", nullable: false, defaultValueSql: "'{}'::jsonb"),
                    access_count = table.Column<long>(type: "bigint", nullable: false, defaultValueSql: "0"),
                    last_accessed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true, defaultValueSql: "null"),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    ready_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true, defaultValueSql: "null"),
                    deletion_requested_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true, defaultValueSql: "null"),
                    deleted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true, defaultValueSql: "null"),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_files", x => x.id);
                    table.UniqueConstraint("ak_files_id_user_id", x => new { x.id, x.user_id });
                    table.CheckConstraint("ck_files_access_count", "access_count >= 0");
                    table.CheckConstraint("ck_files_metadata_object", "jsonb_typeof(metadata) = 'object'");
                    table.CheckConstraint("ck_files_mime_type", "mime_type ~ '^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$'");
                    table.CheckConstraint("ck_files_original_name_length", "char_length(original_name) between 1 and 255");
                    table.CheckConstraint("ck_files_sha256", "sha256 ~ '^[0-9a-f]{64}$'");
                    table.CheckConstraint("ck_files_size_bytes", "size_bytes between 0 and 52428800");
                    table.CheckConstraint("ck_files_storage_path", "storage_path <> '' and left(storage_path, 1) <> '/'");
                })
                .Annotation("Domain:RowLevelSecurity", "owned-rows; owner=user_id; commands=select,insert,update; insert=created_at,file_type,id,is_copy,metadata,mime_type,original_name,sha256,size_bytes,status,storage_path,user_id; update=metadata,status,updated_at");

            migrationBuilder.CreateTable(
                name: "conversation_files",
                schema: "public",
                columns: table => new
                {
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    file_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    attached_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_conversation_files", x => new { x.conversation_id, x.file_id });
                    table.ForeignKey(
                        name: "fk_conversation_files_conversations_conversation_id_user_id",
                        columns: x => new { x.conversation_id, x.user_id },
                        principalSchema: "public",
                        principalTable: "conversations",
                        principalColumns: new[] { "id", "user_id" },
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_conversation_files_files_file_id_user_id",
                        columns: x => new { x.file_id, x.user_id },
                        principalSchema: "public",
                        principalTable: "files",
                        principalColumns: new[] { "id", "user_id" },
                        onDelete: ReferentialAction.Cascade);
                })
                .Annotation("Domain:RowLevelSecurity", "owned-rows; owner=user_id; commands=select,insert,delete; insert=attached_at,conversation_id,file_id,user_id");

            migrationBuilder.CreateTable(
                name: "provider_file_uploads",
                schema: "public",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    file_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    provider = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    provider_file_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    purpose = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    status = table.Column<ProviderUploadStatus>(type: "public.provider_upload_status", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    deleted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true, defaultValueSql: "null")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_provider_file_uploads", x => x.id);
                    table.CheckConstraint("ck_provider_file_uploads_expires_after_creation", "expires_at is null or expires_at > created_at");
                    table.CheckConstraint("ck_provider_file_uploads_provider", "char_length(provider) between 1 and 100 and provider = lower(provider)");
                    table.ForeignKey(
                        name: "fk_provider_file_uploads_files_file_id_user_id",
                        columns: x => new { x.file_id, x.user_id },
                        principalSchema: "public",
                        principalTable: "files",
                        principalColumns: new[] { "id", "user_id" },
                        onDelete: ReferentialAction.Cascade);
                })
                .Annotation("Domain:RowLevelSecurity", "owned-rows; owner=user_id; commands=select,insert; insert=created_at,expires_at,file_id,id,provider,provider_file_id,purpose,status,user_id");

            migrationBuilder.CreateIndex(
                name: "ix_conversation_files_conversation_id_user_id",
                schema: "public",
                table: "conversation_files",
                columns: new[] { "conversation_id", "user_id" });

            migrationBuilder.CreateIndex(
                name: "ix_conversation_files_file_id_user_id",
                schema: "public",
                table: "conversation_files",
                columns: new[] { "file_id", "user_id" });

            migrationBuilder.CreateIndex(
                name: "ix_conversation_files_user_id_attached_at",
                schema: "public",
                table: "conversation_files",
                columns: new[] { "user_id", "attached_at" },
                descending: new[] { false, true });

            migrationBuilder.CreateIndex(
                name: "ix_file_deletion_jobs_file_id_status",
                schema: "domain_ops",
                table: "file_deletion_jobs",
                columns: new[] { "file_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_file_deletion_jobs_pending",
                schema: "domain_ops",
                table: "file_deletion_jobs",
                column: "run_after",
                filter: "status = 'pending'");

            migrationBuilder.CreateIndex(
                name: "ix_file_deletion_jobs_provider_upload",
                schema: "domain_ops",
                table: "file_deletion_jobs",
                column: "provider_upload_id",
                unique: true,
                filter: "provider_upload_id is not null");

            migrationBuilder.CreateIndex(
                name: "ix_file_deletion_jobs_running",
                schema: "domain_ops",
                table: "file_deletion_jobs",
                column: "locked_until",
                filter: "status = 'running'");

            migrationBuilder.CreateIndex(
                name: "ix_file_deletion_jobs_storage",
                schema: "domain_ops",
                table: "file_deletion_jobs",
                column: "file_id",
                unique: true,
                filter: "location = 'storage'");

            migrationBuilder.CreateIndex(
                name: "ix_files_status_created_at",
                schema: "public",
                table: "files",
                columns: new[] { "status", "created_at" },
                filter: "status in ('uploaded', 'ready')");

            migrationBuilder.CreateIndex(
                name: "ix_files_storage_path",
                schema: "public",
                table: "files",
                column: "storage_path",
                unique: true,
                filter: "status <> 'deleted'");

            migrationBuilder.CreateIndex(
                name: "ix_files_user_id_created_at",
                schema: "public",
                table: "files",
                columns: new[] { "user_id", "created_at", "id" },
                descending: new[] { false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_files_user_id_sha256",
                schema: "public",
                table: "files",
                columns: new[] { "user_id", "sha256" });

            migrationBuilder.CreateIndex(
                name: "ix_files_user_id_sha256_original",
                schema: "public",
                table: "files",
                columns: new[] { "user_id", "sha256" },
                unique: true,
                filter: "status in ('uploaded', 'ready') and not is_copy");

            migrationBuilder.CreateIndex(
                name: "ix_provider_file_uploads_file_id_user_id",
                schema: "public",
                table: "provider_file_uploads",
                columns: new[] { "file_id", "user_id" });

            migrationBuilder.CreateIndex(
                name: "ix_provider_file_uploads_provider_provider_file_id",
                schema: "public",
                table: "provider_file_uploads",
                columns: new[] { "provider", "provider_file_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_provider_file_uploads_user_id_created_at",
                schema: "public",
                table: "provider_file_uploads",
                columns: new[] { "user_id", "created_at", "id" },
                descending: new[] { false, true, true });

            migrationBuilder.AddUserForeignKey("files");
            migrationBuilder.CreateFileTriggers();
            migrationBuilder.GrantDeletionQueueToServiceRole();
            migrationBuilder.DropView("user_analytics");
            migrationBuilder.CreateSecurityInvokerViewForEveryRole("user_analytics", FileViews.UserAnalyticsWithFiles);
            migrationBuilder.DropView("recent_activity");
            migrationBuilder.CreateSecurityInvokerViewForEveryRole("recent_activity", FileViews.RecentActivityWithFiles);
            migrationBuilder.AddToRealtimeWhereItExists("files");
            migrationBuilder.AddToRealtimeWhereItExists("conversation_files");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropFromRealtime("conversation_files");
            migrationBuilder.DropFromRealtime("files");
            migrationBuilder.DropView("recent_activity");
            migrationBuilder.CreateSecurityInvokerViewForEveryRole("recent_activity", SessionViews.RecentActivity);
            migrationBuilder.DropView("user_analytics");
            migrationBuilder.CreateSecurityInvokerViewForEveryRole("user_analytics", SessionViews.UserAnalytics);
            migrationBuilder.RevokeDeletionQueueFromServiceRole();
            migrationBuilder.DropFileTriggers();
            migrationBuilder.DropUserForeignKey("files");

            migrationBuilder.DropTable(
                name: "conversation_files",
                schema: "public");

            migrationBuilder.DropTable(
                name: "file_deletion_jobs",
                schema: "domain_ops");

            migrationBuilder.DropTable(
                name: "provider_file_uploads",
                schema: "public");

            migrationBuilder.DropTable(
                name: "files",
                schema: "public");

            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:Enum:public.audit_operation", "insert,update,delete,truncate")
                .Annotation("Npgsql:Enum:public.message_role", "system,user,assistant,tool")
                .Annotation("Npgsql:Enum:public.session_status", "active,finalized,archived")
                .Annotation("Npgsql:Enum:public.user_role", "user,admin")
                .OldAnnotation("Npgsql:Enum:domain_ops.file_deletion_job_status", "pending,running,succeeded,failed")
                .OldAnnotation("Npgsql:Enum:domain_ops.file_location", "storage,provider")
                .OldAnnotation("Npgsql:Enum:public.audit_operation", "insert,update,delete,truncate")
                .OldAnnotation("Npgsql:Enum:public.file_status", "uploaded,ready,deleting,deleted")
                .OldAnnotation("Npgsql:Enum:public.file_type", "document,image,audio,video,code,data,archive,other")
                .OldAnnotation("Npgsql:Enum:public.message_role", "system,user,assistant,tool")
                .OldAnnotation("Npgsql:Enum:public.provider_upload_status", "active,deleting,deleted")
                .OldAnnotation("Npgsql:Enum:public.session_status", "active,finalized,archived")
                .OldAnnotation("Npgsql:Enum:public.user_role", "user,admin");
        }
    }
}
