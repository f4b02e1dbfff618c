DROP VIEW IF EXISTS public.user_usage_summary;

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
GRANT SELECT ON TABLE public.user_usage_summary TO domain_admin;

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
       c.updated_at
  FROM public.conversations c;
REVOKE ALL ON TABLE public.conversation_summary FROM PUBLIC;
GRANT SELECT ON TABLE public.conversation_summary TO anon, authenticated, service_role;
GRANT SELECT ON TABLE public.conversation_summary TO domain_admin;

ALTER TABLE public.usage_logs
    DROP CONSTRAINT fk_usage_logs_conversations_conversation_id_user_id,
    ADD CONSTRAINT fk_usage_logs_conversations_conversation_id_user_id FOREIGN KEY (conversation_id, user_id)
        REFERENCES public.conversations (id, user_id);

ALTER TABLE public.usage_logs
    DROP CONSTRAINT fk_usage_logs_sessions_session_id_user_id,
    ADD CONSTRAINT fk_usage_logs_sessions_session_id_user_id FOREIGN KEY (session_id, user_id)
        REFERENCES public.sessions (id, user_id);

ALTER TABLE public.conversations
    DROP CONSTRAINT fk_conversations_sessions_session_id_user_id,
    ADD CONSTRAINT fk_conversations_sessions_session_id_user_id FOREIGN KEY (session_id, user_id)
        REFERENCES public.sessions (id, user_id);

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

ALTER TABLE public.usage_logs DROP CONSTRAINT fk_usage_logs_conversations_conversation_id_user_id;

ALTER TABLE public.usage_logs DROP CONSTRAINT fk_usage_logs_sessions_session_id_user_id;

DROP INDEX public.ix_usage_logs_conversation_id_user_id;

DROP INDEX public.ix_usage_logs_session_id_user_id;

DROP INDEX public.ix_messages_conversation_id_provider_provider_message_id;

ALTER TABLE public.messages DROP CONSTRAINT ck_messages_provider_message_id;

ALTER TABLE public.messages DROP CONSTRAINT ck_messages_token_parts;

DROP INDEX public.ix_conversations_expires_at;

DROP INDEX public.ix_conversations_user_id_last_activity_at;

ALTER TABLE public.conversations DROP CONSTRAINT ck_conversations_context_object;

ALTER TABLE public.conversations DROP CONSTRAINT ck_conversations_expires_after_creation;

ALTER TABLE public.usage_logs DROP COLUMN conversation_id;

ALTER TABLE public.usage_logs DROP COLUMN session_id;

ALTER TABLE public.messages DROP COLUMN completion_tokens;

ALTER TABLE public.messages DROP COLUMN prompt_tokens;

ALTER TABLE public.messages DROP COLUMN provider;

ALTER TABLE public.messages DROP COLUMN provider_message_id;

ALTER TABLE public.conversations DROP COLUMN context;

ALTER TABLE public.conversations DROP COLUMN expires_at;

ALTER TABLE public.conversations DROP COLUMN last_activity_at;

ALTER TABLE public.conversations DROP COLUMN provider;

ALTER TABLE public.conversations DROP COLUMN tool_name;

REVOKE ALL ON TABLE public.conversations FROM authenticated;
GRANT SELECT, INSERT (archived_at, continuation_id, created_at, id, last_sequence, metadata, session_id, title, user_id), UPDATE (archived_at, last_sequence, metadata, title, updated_at), DELETE ON TABLE public.conversations TO authenticated;
REVOKE ALL ON TABLE public.conversations FROM domain_admin;
GRANT SELECT, INSERT (archived_at, continuation_id, created_at, id, last_sequence, metadata, session_id, title, user_id), UPDATE (archived_at, last_sequence, metadata, title, updated_at), DELETE ON TABLE public.conversations TO domain_admin;
