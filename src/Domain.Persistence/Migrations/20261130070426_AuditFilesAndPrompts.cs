using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Domain.Persistence.Migrations
{
    /// <summary>
    /// The audit trail (issue 15) reaches the tables that came after it: <c>files</c> (the access counters, the last
    /// access and <c>updated_at</c> left out, so an access flush writes no entry), <c>system_prompts</c> (the version
    /// numbers handed out and <c>updated_at</c> left out) and <c>prompt_versions</c>. Only the triggers change; they come
    /// from the model's declarations.
    /// </summary>
    public partial class AuditFilesAndPrompts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterTable(
                name: "system_prompts",
                schema: "public")
                .Annotation("Domain:Audit", "audited; key=id; exclude=last_version_number,updated_at")
                .Annotation("Domain:RowLevelSecurity", "shared-reference-data; commands=select,insert,update; insert=activated_at,active_version_number,created_at,description,id,last_version_number,provider,tier,tool_name; update=activated_at,active_version_number,description,last_version_number,tier,updated_at")
                .OldAnnotation("Domain:RowLevelSecurity", "shared-reference-data; commands=select,insert,update; insert=activated_at,active_version_number,created_at,description,id,last_version_number,provider,tier,tool_name; update=activated_at,active_version_number,description,last_version_number,tier,updated_at");

            migrationBuilder.AlterTable(
                name: "prompt_versions",
                schema: "public")
                .Annotation("Domain:Audit", "audited; key=id")
                .Annotation("Domain:RowLevelSecurity", "shared-reference-data; commands=select,insert")
                .OldAnnotation("Domain:RowLevelSecurity", "shared-reference-data; commands=select,insert");

            migrationBuilder.AlterTable(
                name: "files",
                schema: "public")
                .Annotation("Domain:Audit", "audited; key=id; owner=user_id; exclude=access_count,last_accessed_at,updated_at")
                .Annotation("Domain:RowLevelSecurity", "owned-rows; owner=user_id; commands=select,insert,update; insert=created_at,file_type,id,is_copy,metadata,mime_type,original_name,sha256,size_bytes,status,storage_path,user_id; update=metadata,status,updated_at")
                .OldAnnotation("Domain:RowLevelSecurity", "owned-rows; owner=user_id; commands=select,insert,update; insert=created_at,file_type,id,is_copy,metadata,mime_type,original_name,sha256,size_bytes,status,storage_path,user_id; update=metadata,status,updated_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterTable(
                name: "system_prompts",
                schema: "public")
                .Annotation("Domain:RowLevelSecurity", "shared-reference-data; commands=select,insert,update; insert=activated_at,active_version_number,created_at,description,id,last_version_number,provider,tier,tool_name; update=activated_at,active_version_number,description,last_version_number,tier,updated_at")
                .OldAnnotation("Domain:Audit", "audited; key=id; exclude=last_version_number,updated_at")
                .OldAnnotation("Domain:RowLevelSecurity", "shared-reference-data; commands=select,insert,update; insert=activated_at,active_version_number,created_at,description,id,last_version_number,provider,tier,tool_name; update=activated_at,active_version_number,description,last_version_number,tier,updated_at");

            migrationBuilder.AlterTable(
                name: "prompt_versions",
                schema: "public")
                .Annotation("Domain:RowLevelSecurity", "shared-reference-data; commands=select,insert")
                .OldAnnotation("Domain:Audit", "audited; key=id")
                .OldAnnotation("Domain:RowLevelSecurity", "shared-reference-data; commands=select,insert");

            migrationBuilder.AlterTable(
                name: "files",
                schema: "public")
                .Annotation("Domain:RowLevelSecurity", "owned-rows; owner=user_id; commands=select,insert,update; insert=created_at,file_type,id,is_copy,metadata,mime_type,original_name,sha256,size_bytes,status,storage_path,user_id; update=metadata,status,updated_at")
                .OldAnnotation("Domain:Audit", "audited; key=id; owner=user_id; exclude=access_count,last_accessed_at,updated_at")
                .OldAnnotation("Domain:RowLevelSecurity", "owned-rows; owner=user_id; commands=select,insert,update; insert=created_at,file_type,id,is_copy,metadata,mime_type,original_name,sha256,size_bytes,status,storage_path,user_id; update=metadata,status,updated_at");
        }
    }
}
