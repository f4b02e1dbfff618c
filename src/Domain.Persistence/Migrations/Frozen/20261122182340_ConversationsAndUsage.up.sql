CREATE TYPE public.message_role AS ENUM ('system', 'user', 'assistant', 'tool');

CREATE TABLE public.conversations (
    id uuid NOT NULL DEFAULT (gen_random_uuid()),
    user_id uuid NOT NULL,
    session_id uuid,
    continuation_id character varying(200),
    title character varying(200) NOT NULL,
    metadata jsonb NOT NULL DEFAULT ('{}'::jsonb),
    last_sequence integer NOT NULL,
    message_count integer NOT NULL DEFAULT (0),
    last_message_at timestamp with time zone DEFAULT (null),
    created_at timestamp with time zone NOT NULL DEFAULT (now()),
    updated_at timestamp with time zone NOT NULL DEFAULT (now()),
    archived_at timestamp with time zone,
    CONSTRAINT pk_conversations PRIMARY KEY (id),
    CONSTRAINT ak_conversations_id_user_id UNIQUE (id, user_id),
    CONSTRAINT ck_conversations_message_count CHECK (message_count >= 0 and last_sequence >= message_count),
    CONSTRAINT ck_conversations_metadata_object CHECK (jsonb_typeof(metadata) = 'object'),
    CONSTRAINT ck_conversations_title_length CHECK (char_length(title) between 1 and 200),
    CONSTRAINT fk_conversations_sessions_session_id_user_id FOREIGN KEY (session_id, user_id) REFERENCES public.sessions (id, user_id)
);

CREATE TABLE public.usage_logs (
    id uuid NOT NULL DEFAULT (gen_random_uuid()),
    user_id uuid NOT NULL,
    service character varying(64) NOT NULL,
    operation character varying(64) NOT NULL,
    model character varying(100),
    input_tokens integer NOT NULL,
    output_tokens integer NOT NULL,
    cost_usd numeric(12,6) NOT NULL,
    occurred_at timestamp with time zone NOT NULL DEFAULT (now()),
    CONSTRAINT pk_usage_logs PRIMARY KEY (id),
    CONSTRAINT ck_usage_logs_cost CHECK (cost_usd >= 0),
    CONSTRAINT ck_usage_logs_tokens CHECK (input_tokens >= 0 and output_tokens >= 0)
);

CREATE TABLE public.messages (
    id uuid NOT NULL DEFAULT (gen_random_uuid()),
    conversation_id uuid NOT NULL,
    user_id uuid NOT NULL,
    sequence integer NOT NULL,
    role public.message_role NOT NULL,
    content text NOT NULL,
    token_count integer,
    metadata jsonb,
    created_at timestamp with time zone NOT NULL DEFAULT (now()),
    CONSTRAINT pk_messages PRIMARY KEY (id),
    CONSTRAINT ck_messages_content_length CHECK (char_length(content) between 1 and 1000000),
    CONSTRAINT ck_messages_metadata_object CHECK (metadata is null or jsonb_typeof(metadata) = 'object'),
    CONSTRAINT ck_messages_sequence_positive CHECK (sequence >= 1),
    CONSTRAINT ck_messages_token_count CHECK (token_count is null or token_count >= 0),
    CONSTRAINT fk_messages_conversations_conversation_id_user_id FOREIGN KEY (conversation_id, user_id) REFERENCES public.conversations (id, user_id) ON DELETE CASCADE
);

CREATE INDEX ix_conversations_session_id_user_id ON public.conversations (session_id, user_id);

CREATE UNIQUE INDEX ix_conversations_user_id_continuation_id ON public.conversations (user_id, continuation_id) WHERE continuation_id is not null;

CREATE INDEX ix_conversations_user_id_created_at ON public.conversations (user_id, created_at DESC, id DESC);

CREATE UNIQUE INDEX ix_messages_conversation_id_sequence ON public.messages (conversation_id, sequence);

CREATE INDEX ix_messages_conversation_id_user_id ON public.messages (conversation_id, user_id);

CREATE INDEX ix_messages_user_id ON public.messages (user_id);

CREATE INDEX ix_usage_logs_user_id_service_occurred_at ON public.usage_logs (user_id, service, occurred_at);

ALTER TABLE public.conversations
    ADD CONSTRAINT fk_conversations_auth_users FOREIGN KEY (user_id) REFERENCES auth.users (id) ON DELETE CASCADE;

CREATE TRIGGER trg_conversations_updated_at BEFORE UPDATE ON public.conversations
FOR EACH ROW EXECUTE FUNCTION domain_private.set_updated_at();

CREATE FUNCTION domain_private.maintain_conversation_counters() RETURNS trigger
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
REVOKE ALL ON FUNCTION domain_private.maintain_conversation_counters() FROM PUBLIC;

CREATE CONSTRAINT TRIGGER trg_messages_count AFTER INSERT OR DELETE ON public.messages
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION domain_private.maintain_conversation_counters();

ALTER TABLE public.conversations ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON TABLE public.conversations FROM PUBLIC, anon, authenticated, service_role;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.conversations TO service_role;
GRANT SELECT ON TABLE public.conversations TO anon;
CREATE POLICY conversations_select_own ON public.conversations FOR SELECT TO authenticated USING ((SELECT auth.uid()) = user_id);
CREATE POLICY conversations_select_admin ON public.conversations FOR SELECT TO authenticated USING (((SELECT auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin');
GRANT SELECT ON TABLE public.conversations TO authenticated;
CREATE POLICY conversations_insert_own ON public.conversations FOR INSERT TO authenticated WITH CHECK ((SELECT auth.uid()) = user_id);
GRANT INSERT (id, user_id, session_id, continuation_id, title, metadata, last_sequence, created_at, archived_at) ON TABLE public.conversations TO authenticated;
CREATE POLICY conversations_update_own ON public.conversations FOR UPDATE TO authenticated USING ((SELECT auth.uid()) = user_id) WITH CHECK ((SELECT auth.uid()) = user_id);
GRANT UPDATE (title, metadata, last_sequence, archived_at, updated_at) ON TABLE public.conversations TO authenticated;
CREATE POLICY conversations_delete_own ON public.conversations FOR DELETE TO authenticated USING ((SELECT auth.uid()) = user_id);
GRANT DELETE ON TABLE public.conversations TO authenticated;

ALTER TABLE public.messages ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON TABLE public.messages FROM PUBLIC, anon, authenticated, service_role;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.messages TO service_role;
GRANT SELECT ON TABLE public.messages TO anon;
CREATE POLICY messages_select_own ON public.messages FOR SELECT TO authenticated USING ((SELECT auth.uid()) = user_id);
CREATE POLICY messages_select_admin ON public.messages FOR SELECT TO authenticated USING (((SELECT auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin');
GRANT SELECT ON TABLE public.messages TO authenticated;
CREATE POLICY messages_insert_own ON public.messages FOR INSERT TO authenticated WITH CHECK ((SELECT auth.uid()) = user_id);
GRANT INSERT ON TABLE public.messages TO authenticated;

ALTER TABLE public.usage_logs ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON TABLE public.usage_logs FROM PUBLIC, anon, authenticated, service_role;
GRANT SELECT, INSERT ON TABLE public.usage_logs TO service_role;
GRANT SELECT ON TABLE public.usage_logs TO anon, authenticated;
CREATE POLICY usage_logs_select_own ON public.usage_logs FOR SELECT TO authenticated USING ((SELECT auth.uid()) = user_id);
CREATE POLICY usage_logs_select_admin ON public.usage_logs FOR SELECT TO authenticated USING (((SELECT auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin');

CREATE VIEW public.conversation_summary WITH (security_invoker = true) AS
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
  FROM public.conversations c;
REVOKE ALL ON TABLE public.conversation_summary FROM PUBLIC;
GRANT SELECT ON TABLE public.conversation_summary TO anon, authenticated, service_role;

CREATE VIEW public.user_usage_summary WITH (security_invoker = true) AS
SELECT u.user_id,
       u.service,
       count(*) AS calls,
       sum(u.input_tokens)::bigint AS input_tokens,
       sum(u.output_tokens)::bigint AS output_tokens,
       sum(u.cost_usd) AS cost_usd,
       min(u.occurred_at) AS first_call_at,
       max(u.occurred_at) AS last_call_at
  FROM public.usage_logs u
 GROUP BY u.user_id, u.service;
REVOKE ALL ON TABLE public.user_usage_summary FROM PUBLIC;
GRANT SELECT ON TABLE public.user_usage_summary TO anon, authenticated, service_role;

ALTER PUBLICATION supabase_realtime ADD TABLE public.conversations;

ALTER PUBLICATION supabase_realtime ADD TABLE public.messages;
