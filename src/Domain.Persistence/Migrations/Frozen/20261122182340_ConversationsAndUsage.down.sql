DO $rt$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_publication_tables
               WHERE pubname = 'supabase_realtime' AND schemaname = 'public' AND tablename = 'messages') THEN
        ALTER PUBLICATION supabase_realtime DROP TABLE public.messages;
    END IF;
END
$rt$;

DO $rt$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_publication_tables
               WHERE pubname = 'supabase_realtime' AND schemaname = 'public' AND tablename = 'conversations') THEN
        ALTER PUBLICATION supabase_realtime DROP TABLE public.conversations;
    END IF;
END
$rt$;

DROP VIEW IF EXISTS public.user_usage_summary;

DROP VIEW IF EXISTS public.conversation_summary;

DROP POLICY IF EXISTS usage_logs_select_own ON public.usage_logs;
DROP POLICY IF EXISTS usage_logs_select_admin ON public.usage_logs;
DROP POLICY IF EXISTS usage_logs_insert_own ON public.usage_logs;
DROP POLICY IF EXISTS usage_logs_update_own ON public.usage_logs;
DROP POLICY IF EXISTS usage_logs_delete_own ON public.usage_logs;
REVOKE ALL ON TABLE public.usage_logs FROM anon, authenticated, service_role;
ALTER TABLE public.usage_logs DISABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS messages_select_own ON public.messages;
DROP POLICY IF EXISTS messages_select_admin ON public.messages;
DROP POLICY IF EXISTS messages_insert_own ON public.messages;
DROP POLICY IF EXISTS messages_update_own ON public.messages;
DROP POLICY IF EXISTS messages_delete_own ON public.messages;
REVOKE ALL ON TABLE public.messages FROM anon, authenticated, service_role;
ALTER TABLE public.messages DISABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS conversations_select_own ON public.conversations;
DROP POLICY IF EXISTS conversations_select_admin ON public.conversations;
DROP POLICY IF EXISTS conversations_insert_own ON public.conversations;
DROP POLICY IF EXISTS conversations_update_own ON public.conversations;
DROP POLICY IF EXISTS conversations_delete_own ON public.conversations;
REVOKE ALL ON TABLE public.conversations FROM anon, authenticated, service_role;
ALTER TABLE public.conversations DISABLE ROW LEVEL SECURITY;

DROP TRIGGER IF EXISTS trg_messages_count ON public.messages;
DROP FUNCTION IF EXISTS domain_private.maintain_conversation_counters();

DROP TRIGGER IF EXISTS trg_conversations_updated_at ON public.conversations;

ALTER TABLE public.conversations DROP CONSTRAINT IF EXISTS fk_conversations_auth_users;

DROP TABLE public.messages;

DROP TABLE public.usage_logs;

DROP TABLE public.conversations;

DROP TYPE public.message_role;
