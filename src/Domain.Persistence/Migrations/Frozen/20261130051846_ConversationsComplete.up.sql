ALTER TABLE public.usage_logs ADD conversation_id uuid;

ALTER TABLE public.usage_logs ADD session_id uuid;

ALTER TABLE public.messages ADD completion_tokens integer;

ALTER TABLE public.messages ADD prompt_tokens integer;

ALTER TABLE public.messages ADD provider character varying(100);

ALTER TABLE public.messages ADD provider_message_id character varying(200);

ALTER TABLE public.conversations ADD context jsonb;

ALTER TABLE public.conversations ADD expires_at timestamp with time zone;

ALTER TABLE public.conversations ADD last_activity_at timestamp with time zone NOT NULL DEFAULT (now());

ALTER TABLE public.conversations ADD provider character varying(100);

ALTER TABLE public.conversations ADD tool_name character varying(100);

CREATE INDEX ix_usage_logs_conversation_id_user_id ON public.usage_logs (conversation_id, user_id) WHERE conversation_id is not null;

CREATE INDEX ix_usage_logs_session_id_user_id ON public.usage_logs (session_id, user_id) WHERE session_id is not null;

CREATE UNIQUE INDEX ix_messages_conversation_id_provider_provider_message_id ON public.messages (conversation_id, provider, provider_message_id) WHERE provider_message_id is not null;

ALTER TABLE public.messages ADD CONSTRAINT ck_messages_provider_message_id CHECK (provider_message_id is null or provider is not null);

ALTER TABLE public.messages ADD CONSTRAINT ck_messages_token_parts CHECK ((prompt_tokens is null or prompt_tokens >= 0) and (completion_tokens is null or completion_tokens >= 0));

CREATE INDEX ix_conversations_expires_at ON public.conversations (expires_at) WHERE expires_at is not null;

CREATE INDEX ix_conversations_user_id_last_activity_at ON public.conversations (user_id, last_activity_at DESC, id DESC);

ALTER TABLE public.conversations ADD CONSTRAINT ck_conversations_context_object CHECK (context is null or jsonb_typeof(context) = 'object');

ALTER TABLE public.conversations ADD CONSTRAINT ck_conversations_expires_after_creation CHECK (expires_at is null or expires_at > created_at);

ALTER TABLE public.usage_logs ADD CONSTRAINT fk_usage_logs_conversations_conversation_id_user_id FOREIGN KEY (conversation_id, user_id) REFERENCES public.conversations (id, user_id);

ALTER TABLE public.usage_logs ADD CONSTRAINT fk_usage_logs_sessions_session_id_user_id FOREIGN KEY (session_id, user_id) REFERENCES public.sessions (id, user_id);

ALTER TABLE public.conversations DISABLE TRIGGER trg_conversations_updated_at;
UPDATE public.conversations SET last_activity_at = coalesce(last_message_at, created_at);
ALTER TABLE public.conversations ENABLE TRIGGER trg_conversations_updated_at;

CREATE OR REPLACE FUNCTION domain_private.maintain_conversation_counters() RETURNS trigger
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

ALTER TABLE public.conversations
    DROP CONSTRAINT fk_conversations_sessions_session_id_user_id,
    ADD CONSTRAINT fk_conversations_sessions_session_id_user_id FOREIGN KEY (session_id, user_id)
        REFERENCES public.sessions (id, user_id) ON DELETE SET NULL (session_id);

ALTER TABLE public.usage_logs
    DROP CONSTRAINT fk_usage_logs_sessions_session_id_user_id,
    ADD CONSTRAINT fk_usage_logs_sessions_session_id_user_id FOREIGN KEY (session_id, user_id)
        REFERENCES public.sessions (id, user_id) ON DELETE SET NULL (session_id);

ALTER TABLE public.usage_logs
    DROP CONSTRAINT fk_usage_logs_conversations_conversation_id_user_id,
    ADD CONSTRAINT fk_usage_logs_conversations_conversation_id_user_id FOREIGN KEY (conversation_id, user_id)
        REFERENCES public.conversations (id, user_id) ON DELETE SET NULL (conversation_id);

DROP VIEW IF EXISTS public.conversation_summary;

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
       c.updated_at,
       (SELECT count(*) FROM public.usage_logs u WHERE u.conversation_id = c.id AND u.user_id = c.user_id) AS usage_calls,
       (SELECT coalesce(sum(u.cost_usd), 0) FROM public.usage_logs u WHERE u.conversation_id = c.id AND u.user_id = c.user_id) AS usage_cost_usd
  FROM public.conversations c;
REVOKE ALL ON TABLE public.conversation_summary FROM PUBLIC;
GRANT SELECT ON TABLE public.conversation_summary TO anon, authenticated, service_role;
GRANT SELECT ON TABLE public.conversation_summary TO domain_admin;

DROP VIEW IF EXISTS public.user_usage_summary;

CREATE VIEW public.user_usage_summary WITH (security_invoker = true) AS
SELECT u.user_id,
       u.service,
       count(*) AS calls,
       sum(u.input_tokens)::bigint AS input_tokens,
       sum(u.output_tokens)::bigint AS output_tokens,
       sum(u.cost_usd) AS cost_usd,
       min(u.occurred_at) AS first_call_at,
       max(u.occurred_at) AS last_call_at,
       count(DISTINCT u.session_id) AS sessions_used,
       count(DISTINCT u.conversation_id) AS conversations_used
  FROM public.usage_logs u
 GROUP BY u.user_id, u.service;
REVOKE ALL ON TABLE public.user_usage_summary FROM PUBLIC;
GRANT SELECT ON TABLE public.user_usage_summary TO anon, authenticated, service_role;
GRANT SELECT ON TABLE public.user_usage_summary TO domain_admin;

REVOKE ALL ON TABLE public.conversations FROM authenticated;
GRANT SELECT, INSERT (archived_at, context, continuation_id, created_at, expires_at, id, last_sequence, metadata, provider, session_id, title, tool_name, user_id), UPDATE (archived_at, context, expires_at, last_sequence, metadata, title, updated_at), DELETE ON TABLE public.conversations TO authenticated;
REVOKE ALL ON TABLE public.conversations FROM domain_admin;
GRANT SELECT, INSERT (archived_at, context, continuation_id, created_at, expires_at, id, last_sequence, metadata, provider, session_id, title, tool_name, user_id), UPDATE (archived_at, context, expires_at, last_sequence, metadata, title, updated_at), DELETE ON TABLE public.conversations TO domain_admin;
