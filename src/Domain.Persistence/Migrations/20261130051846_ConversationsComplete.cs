using System;
using Domain.Persistence.Migrations.Sql;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Domain.Persistence.Migrations
{
    /// <summary>
    /// Conversations complete (issue 14): the seed's tool, provider, context and expiry, last activity kept by the
    /// counters' trigger (and back-filled), messages with their token split and provider ids (a provider's message once
    /// per conversation), usage records tied to the session or conversation they were spent on (the same owner's), and
    /// deleting a session or conversation detaching what points at it instead of being refused. The two summary views
    /// show the usage spent on the work.
    /// </summary>
    public partial class ConversationsComplete : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterTable(
                name: "conversations",
                schema: "public")
                .Annotation("Domain:RowLevelSecurity", "owned-rows; owner=user_id; commands=select,insert,update,delete; insert=archived_at,context,continuation_id,created_at,expires_at,id,last_sequence,metadata,provider,session_id,title,tool_name,user_id; update=archived_at,context,expires_at,last_sequence,metadata,title,updated_at")
                .OldAnnotation("Domain:RowLevelSecurity", "owned-rows; owner=user_id; commands=select,insert,update,delete; insert=archived_at,continuation_id,created_at,id,last_sequence,metadata,session_id,title,user_id; update=archived_at,last_sequence,metadata,title,updated_at");

            migrationBuilder.AddColumn<Guid>(
                name: "conversation_id",
                schema: "public",
                table: "usage_logs",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "session_id",
                schema: "public",
                table: "usage_logs",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "completion_tokens",
                schema: "public",
                table: "messages",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "prompt_tokens",
                schema: "public",
                table: "messages",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "provider",
                schema: "public",
                table: "messages",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "provider_message_id",
                schema: "public",
                table: "messages",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "context",
                schema: "public",
                table: "conversations",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "expires_at",
                schema: "public",
                table: "conversations",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "last_activity_at",
                schema: "public",
                table: "conversations",
                type: "timestamp with time zone",
                nullable: false,
                defaultValueSql: "now()");

            migrationBuilder.AddColumn<string>(
                name: "provider",
                schema: "public",
                table: "conversations",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "tool_name",
                schema: "public",
                table: "conversations",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_usage_logs_conversation_id_user_id",
                schema: "public",
                table: "usage_logs",
                columns: new[] { "conversation_id", "user_id" },
                filter: "conversation_id is not null");

            migrationBuilder.CreateIndex(
                name: "ix_usage_logs_session_id_user_id",
                schema: "public",
                table: "usage_logs",
                columns: new[] { "session_id", "user_id" },
                filter: "session_id is not null");

            migrationBuilder.CreateIndex(
                name: "ix_messages_conversation_id_provider_provider_message_id",
                schema: "public",
                table: "messages",
                columns: new[] { "conversation_id", "provider", "provider_message_id" },
                unique: true,
                filter: "provider_message_id is not null");

            migrationBuilder.AddCheckConstraint(
                name: "ck_messages_provider_message_id",
                schema: "public",
                table: "messages",
                sql: "provider_message_id is null or provider is not null");

            migrationBuilder.AddCheckConstraint(
                name: "ck_messages_token_parts",
                schema: "public",
                table: "messages",
                sql: "(prompt_tokens is null or prompt_tokens >= 0) and (completion_tokens is null or completion_tokens >= 0)");

            migrationBuilder.CreateIndex(
                name: "ix_conversations_expires_at",
                schema: "public",
                table: "conversations",
                column: "expires_at",
                filter: "expires_at is not null");

            migrationBuilder.CreateIndex(
                name: "ix_conversations_user_id_last_activity_at",
                schema: "public",
                table: "conversations",
                columns: new[] { "user_id", "last_activity_at", "id" },
                descending: new[] { false, true, true });

            migrationBuilder.AddCheckConstraint(
                name: "ck_conversations_context_object",
                schema: "public",
                table: "conversations",
                sql: "context is null or jsonb_typeof(context) = 'object'");

            migrationBuilder.AddCheckConstraint(
                name: "ck_conversations_expires_after_creation",
                schema: "public",
                table: "conversations",
                sql: "expires_at is null or expires_at > created_at");

            migrationBuilder.AddForeignKey(
                name: "fk_usage_logs_conversations_conversation_id_user_id",
                schema: "public",
                table: "usage_logs",
                columns: new[] { "conversation_id", "user_id" },
                principalSchema: "public",
                principalTable: "conversations",
                principalColumns: new[] { "id", "user_id" });

            migrationBuilder.AddForeignKey(
                name: "fk_usage_logs_sessions_session_id_user_id",
                schema: "public",
                table: "usage_logs",
                columns: new[] { "session_id", "user_id" },
                principalSchema: "public",
                principalTable: "sessions",
                principalColumns: new[] { "id", "user_id" });

            migrationBuilder.BackfillConversationLastActivity();
            migrationBuilder.ReplaceConversationCountersWithLastActivity();
            migrationBuilder.SetColumnNullOnParentDelete(
                "conversations", "fk_conversations_sessions_session_id_user_id", ["session_id", "user_id"], "sessions", "session_id");
            migrationBuilder.SetColumnNullOnParentDelete(
                "usage_logs", "fk_usage_logs_sessions_session_id_user_id", ["session_id", "user_id"], "sessions", "session_id");
            migrationBuilder.SetColumnNullOnParentDelete(
                "usage_logs", "fk_usage_logs_conversations_conversation_id_user_id", ["conversation_id", "user_id"], "conversations", "conversation_id");
            migrationBuilder.DropView("conversation_summary");
            migrationBuilder.CreateSecurityInvokerViewForEveryRole("conversation_summary", ConversationViews.ConversationSummaryWithUsage);
            migrationBuilder.DropView("user_usage_summary");
            migrationBuilder.CreateSecurityInvokerViewForEveryRole("user_usage_summary", ConversationViews.UserUsageSummaryWithWork);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropView("user_usage_summary");
            migrationBuilder.CreateSecurityInvokerViewForEveryRole("user_usage_summary", ConversationViews.UserUsageSummary);
            migrationBuilder.DropView("conversation_summary");
            migrationBuilder.CreateSecurityInvokerViewForEveryRole("conversation_summary", ConversationViews.ConversationSummary);
            migrationBuilder.RestoreNoActionOnParentDelete(
                "usage_logs", "fk_usage_logs_conversations_conversation_id_user_id", ["conversation_id", "user_id"], "conversations");
            migrationBuilder.RestoreNoActionOnParentDelete(
                "usage_logs", "fk_usage_logs_sessions_session_id_user_id", ["session_id", "user_id"], "sessions");
            migrationBuilder.RestoreNoActionOnParentDelete(
                "conversations", "fk_conversations_sessions_session_id_user_id", ["session_id", "user_id"], "sessions");
            migrationBuilder.RestoreConversationCountersWithoutLastActivity();

            migrationBuilder.DropForeignKey(
                name: "fk_usage_logs_conversations_conversation_id_user_id",
                schema: "public",
                table: "usage_logs");

            migrationBuilder.DropForeignKey(
                name: "fk_usage_logs_sessions_session_id_user_id",
                schema: "public",
                table: "usage_logs");

            migrationBuilder.DropIndex(
                name: "ix_usage_logs_conversation_id_user_id",
                schema: "public",
                table: "usage_logs");

            migrationBuilder.DropIndex(
                name: "ix_usage_logs_session_id_user_id",
                schema: "public",
                table: "usage_logs");

            migrationBuilder.DropIndex(
                name: "ix_messages_conversation_id_provider_provider_message_id",
                schema: "public",
                table: "messages");

            migrationBuilder.DropCheckConstraint(
                name: "ck_messages_provider_message_id",
                schema: "public",
                table: "messages");

            migrationBuilder.DropCheckConstraint(
                name: "ck_messages_token_parts",
                schema: "public",
                table: "messages");

            migrationBuilder.DropIndex(
                name: "ix_conversations_expires_at",
                schema: "public",
                table: "conversations");

            migrationBuilder.DropIndex(
                name: "ix_conversations_user_id_last_activity_at",
                schema: "public",
                table: "conversations");

            migrationBuilder.DropCheckConstraint(
                name: "ck_conversations_context_object",
                schema: "public",
                table: "conversations");

            migrationBuilder.DropCheckConstraint(
                name: "ck_conversations_expires_after_creation",
                schema: "public",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "conversation_id",
                schema: "public",
                table: "usage_logs");

            migrationBuilder.DropColumn(
                name: "session_id",
                schema: "public",
                table: "usage_logs");

            migrationBuilder.DropColumn(
                name: "completion_tokens",
                schema: "public",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "prompt_tokens",
                schema: "public",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "provider",
                schema: "public",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "provider_message_id",
                schema: "public",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "context",
                schema: "public",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "expires_at",
                schema: "public",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "last_activity_at",
                schema: "public",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "provider",
                schema: "public",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "tool_name",
                schema: "public",
                table: "conversations");

            migrationBuilder.AlterTable(
                name: "conversations",
                schema: "public")
                .Annotation("Domain:RowLevelSecurity", "owned-rows; owner=user_id; commands=select,insert,update,delete; insert=archived_at,continuation_id,created_at,id,last_sequence,metadata,session_id,title,user_id; update=archived_at,last_sequence,metadata,title,updated_at")
                .OldAnnotation("Domain:RowLevelSecurity", "owned-rows; owner=user_id; commands=select,insert,update,delete; insert=archived_at,context,continuation_id,created_at,expires_at,id,last_sequence,metadata,provider,session_id,title,tool_name,user_id; update=archived_at,context,expires_at,last_sequence,metadata,title,updated_at");
        }
    }
}
