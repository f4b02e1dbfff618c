using Microsoft.EntityFrameworkCore.Migrations;

namespace Domain.Persistence.Migrations.Sql;

/// <summary>The Conversation aggregate's triggers.</summary>
public static class ConversationMigrationBuilderExtensions
{
    /// <summary>The counters' trigger function as the first migration wrote it (signature, attributes and body).</summary>
    private static readonly string CountersFunctionV1 = $$"""
            {{DatabaseSchemas.Private}}.maintain_conversation_counters() RETURNS trigger
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
            """;

    /// <summary>
    /// <see cref="CountersFunctionV1"/> that also keeps <c>last_activity_at</c>, the newest of the conversation's creation
    /// and its newest message, which lists by last activity sort on.
    /// </summary>
    private static readonly string CountersFunctionV2 = $$"""
            {{DatabaseSchemas.Private}}.maintain_conversation_counters() RETURNS trigger
            LANGUAGE plpgsql
            SECURITY DEFINER
            SET search_path = ''
            AS $fn$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    UPDATE public.conversations
                       SET message_count = message_count + 1,
                           last_sequence = greatest(last_sequence, NEW.sequence),
                           last_message_at = greatest(last_message_at, NEW.created_at),
                           last_activity_at = greatest(last_activity_at, NEW.created_at)
                     WHERE id = NEW.conversation_id;
                    RETURN NEW;
                END IF;

                UPDATE public.conversations c
                   SET message_count = message_count - 1,
                       last_message_at = (SELECT max(m.created_at) FROM public.messages m WHERE m.conversation_id = OLD.conversation_id),
                       last_activity_at = greatest(c.created_at,
                           (SELECT max(m.created_at) FROM public.messages m WHERE m.conversation_id = OLD.conversation_id))
                 WHERE c.id = OLD.conversation_id;
                RETURN OLD;
            END
            $fn$;
            """;

    /// <summary>
    /// Keeps <c>conversations.message_count</c>, <c>last_message_at</c> and <c>last_sequence</c> exact whoever writes
    /// messages. Deferred to commit and SECURITY DEFINER, for the reasons given on
    /// <see cref="TriggerMigrationBuilderExtensions.CreateSessionCounterTriggers"/>.
    /// </summary>
    public static void CreateConversationCounterTriggers(this MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql($$"""
            CREATE FUNCTION {{CountersFunctionV1}}
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

    /// <summary>The counters' trigger function keeps <c>last_activity_at</c> too (the trigger stays as it is).</summary>
    public static void ReplaceConversationCountersWithLastActivity(this MigrationBuilder migrationBuilder)
        => migrationBuilder.Sql($"CREATE OR REPLACE FUNCTION {CountersFunctionV2}");

    /// <summary>Reverses <see cref="ReplaceConversationCountersWithLastActivity"/>.</summary>
    public static void RestoreConversationCountersWithoutLastActivity(this MigrationBuilder migrationBuilder)
        => migrationBuilder.Sql($"CREATE OR REPLACE FUNCTION {CountersFunctionV1}");

    /// <summary>
    /// Sets the new <c>last_activity_at</c> of existing conversations from their newest message (or creation), without
    /// firing the <c>updated_at</c> trigger: the conversations did not change.
    /// </summary>
    public static void BackfillConversationLastActivity(this MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql($"""
            ALTER TABLE {DatabaseSchemas.Public}.conversations DISABLE TRIGGER trg_conversations_updated_at;
            UPDATE {DatabaseSchemas.Public}.conversations SET last_activity_at = coalesce(last_message_at, created_at);
            ALTER TABLE {DatabaseSchemas.Public}.conversations ENABLE TRIGGER trg_conversations_updated_at;
            """);
    }
}
