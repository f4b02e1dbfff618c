using Microsoft.EntityFrameworkCore.Migrations;

namespace Domain.Persistence.MigrationSql;

/// <summary>The Conversation aggregate's triggers and the views over conversations and usage.</summary>
public static class ConversationSql
{
    /// <summary>
    /// Keeps <c>conversations.message_count</c>, <c>last_message_at</c> and <c>last_sequence</c> exact whoever writes
    /// messages. Deferred to commit and SECURITY DEFINER, for the reasons given on
    /// <see cref="TriggerSql.CreateSessionCounterTriggers"/>.
    /// </summary>
    public static void CreateConversationCounterTriggers(this MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql($$"""
            CREATE FUNCTION {{DatabaseSchemas.Private}}.maintain_conversation_counters() RETURNS trigger
            LANGUAGE plpgsql
            SECURITY DEFINER
            SET search_path = ''
            AS $fn$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    UPDATE public.conversations
                       SET message_count = message_count + 1,
                           last_sequence = greatest(last_sequence, NEW.sequence),
                           last_message_at = greatest(last_message_at, NEW.created_at)
                     WHERE id = NEW.conversation_id;
                    RETURN NEW;
                END IF;

                UPDATE public.conversations
                   SET message_count = message_count - 1,
                       last_message_at = (SELECT max(m.created_at) FROM public.messages m WHERE m.conversation_id = OLD.conversation_id)
                 WHERE id = OLD.conversation_id;
                RETURN OLD;
            END
            $fn$;
            REVOKE ALL ON FUNCTION {{DatabaseSchemas.Private}}.maintain_conversation_counters() FROM PUBLIC;

            CREATE CONSTRAINT TRIGGER trg_messages_count AFTER INSERT OR DELETE ON public.messages
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {{DatabaseSchemas.Private}}.maintain_conversation_counters();
            """);
    }

    public static void DropConversationCounterTriggers(this MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql($"""
            DROP TRIGGER IF EXISTS trg_messages_count ON public.messages;
            DROP FUNCTION IF EXISTS {DatabaseSchemas.Private}.maintain_conversation_counters();
            """);
    }

    /// <summary>Seed 001's <c>chat_sessions_summary</c>: conversations with their message counts and token totals.</summary>
    public const string ConversationSummary = """
        SELECT c.id,
               c.user_id,
               c.session_id,
               c.title,
               c.message_count,
               c.last_message_at,
               (SELECT coalesce(sum(m.token_count), 0) FROM public.messages m WHERE m.conversation_id = c.id)::bigint AS total_tokens,
               c.archived_at IS NOT NULL AS is_archived,
               c.created_at,
               c.updated_at
          FROM public.conversations c
        """;

    /// <summary>Seed 001's <c>user_usage_summary</c>: per user and service, calls, tokens and cost.</summary>
    public const string UserUsageSummary = """
        SELECT u.user_id,
               u.service,
               count(*) AS calls,
               sum(u.input_tokens)::bigint AS input_tokens,
               sum(u.output_tokens)::bigint AS output_tokens,
               sum(u.cost_usd) AS cost_usd,
               min(u.occurred_at) AS first_call_at,
               max(u.occurred_at) AS last_call_at
          FROM public.usage_logs u
         GROUP BY u.user_id, u.service
        """;
}
