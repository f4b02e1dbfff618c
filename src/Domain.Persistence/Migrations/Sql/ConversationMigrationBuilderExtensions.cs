using Microsoft.EntityFrameworkCore.Migrations;

namespace Domain.Persistence.Migrations.Sql;

/// <summary>The Conversation aggregate's triggers.</summary>
public static class ConversationMigrationBuilderExtensions
{
    /// <summary>
    /// Keeps <c>conversations.message_count</c>, <c>last_message_at</c> and <c>last_sequence</c> exact whoever writes
    /// messages. Deferred to commit and SECURITY DEFINER, for the reasons given on
    /// <see cref="TriggerMigrationBuilderExtensions.CreateSessionCounterTriggers"/>.
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
}
