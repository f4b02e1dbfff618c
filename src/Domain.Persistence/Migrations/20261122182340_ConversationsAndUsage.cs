using System;
using Domain.Conversations;
using Domain.Persistence.Migrations.Sql;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Domain.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ConversationsAndUsage : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:Enum:public.message_role", "system,user,assistant,tool")
                .Annotation("Npgsql:Enum:public.session_status", "active,finalized,archived")
                .OldAnnotation("Npgsql:Enum:public.session_status", "active,finalized,archived");

            migrationBuilder.CreateTable(
                name: "conversations",
                schema: "public",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    session_id = table.Column<Guid>(type: "uuid", nullable: true),
                    continuation_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    metadata = table.Column<string>(type: "jsonb", nullable: false, defaultValueSql: "'{}'::jsonb"),
                    last_sequence = table.Column<int>(type: "integer", nullable: false),
                    message_count = table.Column<int>(type: "integer", nullable: false, defaultValueSql: "0"),
                    last_message_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true, defaultValueSql: "null"),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    archived_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_conversations", x => x.id);
                    table.UniqueConstraint("ak_conversations_id_user_id", x => new { x.id, x.user_id });
                    table.CheckConstraint("ck_conversations_message_count", "message_count >= 0 and last_sequence >= message_count");
                    table.CheckConstraint("ck_conversations_metadata_object", "jsonb_typeof(metadata) = 'object'");
                    table.CheckConstraint("ck_conversations_title_length", "char_length(title) between 1 and 200");
                    table.ForeignKey(
                        name: "fk_conversations_sessions_session_id_user_id",
                        columns: x => new { x.session_id, x.user_id },
                        principalSchema: "public",
                        principalTable: "sessions",
                        principalColumns: new[] { "id", "user_id" });
                });

            migrationBuilder.CreateTable(
                name: "usage_logs",
                schema: "public",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    service = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    operation = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    model = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    input_tokens = table.Column<int>(type: "integer", nullable: false),
                    output_tokens = table.Column<int>(type: "integer", nullable: false),
                    cost_usd = table.Column<decimal>(type: "numeric(12,6)", precision: 12, scale: 6, nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_usage_logs", x => x.id);
                    table.CheckConstraint("ck_usage_logs_cost", "cost_usd >= 0");
                    table.CheckConstraint("ck_usage_logs_tokens", "input_tokens >= 0 and output_tokens >= 0");
                });

            migrationBuilder.CreateTable(
                name: "messages",
                schema: "public",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()"),
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    sequence = table.Column<int>(type: "integer", nullable: false),
                    role = table.Column<MessageRole>(type: "public.message_role", nullable: false),
                    content = table.Column<string>(type: "text", nullable: false),
                    token_count = table.Column<int>(type: "integer", nullable: true),
                    metadata = table.Column<string>(type: "jsonb", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_messages", x => x.id);
                    table.CheckConstraint("ck_messages_content_length", "char_length(content) between 1 and 1000000");
                    table.CheckConstraint("ck_messages_metadata_object", "metadata is null or jsonb_typeof(metadata) = 'object'");
                    table.CheckConstraint("ck_messages_sequence_positive", "sequence >= 1");
                    table.CheckConstraint("ck_messages_token_count", "token_count is null or token_count >= 0");
                    table.ForeignKey(
                        name: "fk_messages_conversations_conversation_id_user_id",
                        columns: x => new { x.conversation_id, x.user_id },
                        principalSchema: "public",
                        principalTable: "conversations",
                        principalColumns: new[] { "id", "user_id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_conversations_session_id_user_id",
                schema: "public",
                table: "conversations",
                columns: new[] { "session_id", "user_id" });

            migrationBuilder.CreateIndex(
                name: "ix_conversations_user_id_continuation_id",
                schema: "public",
                table: "conversations",
                columns: new[] { "user_id", "continuation_id" },
                unique: true,
                filter: "continuation_id is not null");

            migrationBuilder.CreateIndex(
                name: "ix_conversations_user_id_created_at",
                schema: "public",
                table: "conversations",
                columns: new[] { "user_id", "created_at", "id" },
                descending: new[] { false, true, true });

            migrationBuilder.CreateIndex(
                name: "ix_messages_conversation_id_sequence",
                schema: "public",
                table: "messages",
                columns: new[] { "conversation_id", "sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_messages_conversation_id_user_id",
                schema: "public",
                table: "messages",
                columns: new[] { "conversation_id", "user_id" });

            migrationBuilder.CreateIndex(
                name: "ix_messages_user_id",
                schema: "public",
                table: "messages",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_usage_logs_user_id_service_occurred_at",
                schema: "public",
                table: "usage_logs",
                columns: new[] { "user_id", "service", "occurred_at" });

            migrationBuilder.AddUserForeignKey("conversations");
            migrationBuilder.CreateUpdatedAtTrigger("conversations");
            migrationBuilder.CreateConversationCounterTriggers();

            migrationBuilder.EnableOwnerRls("conversations", OwnerCommands.All,
                insertColumns: ["id", "user_id", "session_id", "continuation_id", "title", "metadata", "last_sequence", "created_at", "archived_at"],
                updateColumns: ["title", "metadata", "last_sequence", "archived_at", "updated_at"]);
            // Messages are history: owners add and read them; they go only with their conversation.
            migrationBuilder.EnableOwnerRls("messages", OwnerCommands.Select | OwnerCommands.Insert);
            // Usage is metered by the backend (service role); a user reads their own and can neither write nor erase it.
            migrationBuilder.EnableLedgerRls("usage_logs");

            migrationBuilder.CreateSecurityInvokerView("conversation_summary", ConversationViews.ConversationSummary);
            migrationBuilder.CreateSecurityInvokerView("user_usage_summary", ConversationViews.UserUsageSummary);

            migrationBuilder.AddToRealtime("conversations");
            migrationBuilder.AddToRealtime("messages");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropFromRealtime("messages");
            migrationBuilder.DropFromRealtime("conversations");
            migrationBuilder.DropView("user_usage_summary");
            migrationBuilder.DropView("conversation_summary");
            migrationBuilder.DisableOwnerRls("usage_logs");
            migrationBuilder.DisableOwnerRls("messages");
            migrationBuilder.DisableOwnerRls("conversations");
            migrationBuilder.DropConversationCounterTriggers();
            migrationBuilder.DropUpdatedAtTrigger("conversations");
            migrationBuilder.DropUserForeignKey("conversations");

            migrationBuilder.DropTable(
                name: "messages",
                schema: "public");

            migrationBuilder.DropTable(
                name: "usage_logs",
                schema: "public");

            migrationBuilder.DropTable(
                name: "conversations",
                schema: "public");

            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:Enum:public.session_status", "active,finalized,archived")
                .OldAnnotation("Npgsql:Enum:public.message_role", "system,user,assistant,tool")
                .OldAnnotation("Npgsql:Enum:public.session_status", "active,finalized,archived");
        }
    }
}
