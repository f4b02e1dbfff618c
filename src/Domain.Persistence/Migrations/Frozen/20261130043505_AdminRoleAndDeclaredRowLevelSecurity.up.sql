DO $admin$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'domain_admin') THEN
        BEGIN
            CREATE ROLE domain_admin NOLOGIN NOINHERIT;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END;
    END IF;
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'domain_admin' AND (rolsuper OR rolbypassrls)) THEN
        RAISE EXCEPTION 'role domain_admin exists and bypasses row-level security; admins must not: ALTER ROLE domain_admin NOSUPERUSER NOBYPASSRLS'
            USING ERRCODE = '42501';
    END IF;
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'authenticator')
       AND NOT pg_catalog.pg_has_role('authenticator', 'domain_admin', 'MEMBER') THEN
        GRANT domain_admin TO authenticator;
    END IF;
END
$admin$;
GRANT USAGE ON SCHEMA public TO domain_admin;

CREATE OR REPLACE PROCEDURE domain_private.set_request_context(claims text, role text)
LANGUAGE plpgsql
SECURITY INVOKER
SET search_path = ''
AS $proc$
DECLARE
    parsed jsonb;
BEGIN
    IF role IS NULL OR role NOT IN ('anon', 'authenticated', 'domain_admin', 'service_role') THEN
        RAISE EXCEPTION 'set_request_context: role % is not one of anon, authenticated, domain_admin, service_role', coalesce(role, 'NULL')
            USING ERRCODE = '42501';
    END IF;
    IF pg_catalog.length(claims) > 16384 THEN
        RAISE EXCEPTION 'set_request_context: claims are % characters, at most 16384 are accepted', pg_catalog.length(claims)
            USING ERRCODE = '22023';
    END IF;
    parsed := claims::jsonb;
    IF parsed IS NULL OR pg_catalog.jsonb_typeof(parsed) <> 'object' THEN
        RAISE EXCEPTION 'set_request_context: claims must be a JSON object' USING ERRCODE = '22P02';
    END IF;
    IF parsed ? 'role' AND parsed ->> 'role' IS DISTINCT FROM role THEN
        RAISE EXCEPTION 'set_request_context: the claims say role %, the call says %', parsed ->> 'role', role
            USING ERRCODE = '42501';
    END IF;
    IF parsed ? 'sub' AND (parsed ->> 'sub') !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
        RAISE EXCEPTION 'set_request_context: sub must be a UUID in canonical lower-case form' USING ERRCODE = '22P02';
    END IF;
    PERFORM pg_catalog.set_config('request.jwt.claims', parsed::text, true),
                    pg_catalog.set_config('request.jwt.claim', '', true),
                    pg_catalog.set_config('request.jwt.claim.sub', coalesce(parsed ->> 'sub', ''), true),
                    pg_catalog.set_config('request.jwt.claim.role', role, true),
                    pg_catalog.set_config('request.jwt.claim.email', coalesce(parsed ->> 'email', ''), true),
                    pg_catalog.set_config('role', role, true);
END
$proc$;
REVOKE ALL ON PROCEDURE domain_private.set_request_context(text, text) FROM PUBLIC;
GRANT EXECUTE ON PROCEDURE domain_private.set_request_context(text, text) TO PUBLIC;

DROP POLICY sessions_select_own ON public.sessions;
DROP POLICY sessions_select_admin ON public.sessions;
DROP POLICY sessions_insert_own ON public.sessions;
DROP POLICY sessions_update_own ON public.sessions;
DROP POLICY sessions_delete_own ON public.sessions;

DROP POLICY session_revisions_select_own ON public.session_revisions;
DROP POLICY session_revisions_select_admin ON public.session_revisions;
DROP POLICY session_revisions_insert_own ON public.session_revisions;

DROP POLICY session_drafts_select_own ON public.session_drafts;
DROP POLICY session_drafts_select_admin ON public.session_drafts;
DROP POLICY session_drafts_insert_own ON public.session_drafts;
DROP POLICY session_drafts_update_own ON public.session_drafts;
DROP POLICY session_drafts_delete_own ON public.session_drafts;

DROP POLICY hole_resolutions_select_own ON public.hole_resolutions;
DROP POLICY hole_resolutions_select_admin ON public.hole_resolutions;
DROP POLICY hole_resolutions_insert_own ON public.hole_resolutions;
DROP POLICY hole_resolutions_update_own ON public.hole_resolutions;
DROP POLICY hole_resolutions_delete_own ON public.hole_resolutions;

DROP POLICY conversations_select_own ON public.conversations;
DROP POLICY conversations_select_admin ON public.conversations;
DROP POLICY conversations_insert_own ON public.conversations;
DROP POLICY conversations_update_own ON public.conversations;
DROP POLICY conversations_delete_own ON public.conversations;

DROP POLICY messages_select_own ON public.messages;
DROP POLICY messages_select_admin ON public.messages;
DROP POLICY messages_insert_own ON public.messages;

DROP POLICY usage_logs_select_own ON public.usage_logs;
DROP POLICY usage_logs_select_admin ON public.usage_logs;

GRANT SELECT ON TABLE public.session_summary, public.user_analytics, public.recent_activity, public.draft_validation_stats, public.conversation_summary, public.user_usage_summary TO domain_admin;

ALTER TABLE public.usage_logs ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON TABLE public.usage_logs FROM PUBLIC, anon, authenticated, domain_admin, service_role;
GRANT SELECT ON TABLE public.usage_logs TO anon;
GRANT SELECT ON TABLE public.usage_logs TO authenticated;
GRANT SELECT ON TABLE public.usage_logs TO domain_admin;
GRANT SELECT, INSERT ON TABLE public.usage_logs TO service_role;
CREATE POLICY owner_select ON public.usage_logs AS PERMISSIVE FOR SELECT TO authenticated USING ((select auth.uid()) = user_id);
CREATE POLICY admin_select ON public.usage_logs AS PERMISSIVE FOR SELECT TO domain_admin USING (true);

ALTER TABLE public.sessions ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON TABLE public.sessions FROM PUBLIC, anon, authenticated, domain_admin, service_role;
GRANT SELECT ON TABLE public.sessions TO anon;
GRANT SELECT, INSERT (archived_at, created_at, current_ir, description, finalized_at, id, last_revision_number, metadata, status, title, user_id), UPDATE (archived_at, current_ir, description, finalized_at, last_revision_number, metadata, status, title, updated_at), DELETE ON TABLE public.sessions TO authenticated;
GRANT SELECT, INSERT (archived_at, created_at, current_ir, description, finalized_at, id, last_revision_number, metadata, status, title, user_id), UPDATE (archived_at, current_ir, description, finalized_at, last_revision_number, metadata, status, title, updated_at), DELETE ON TABLE public.sessions TO domain_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.sessions TO service_role;
CREATE POLICY owner_select ON public.sessions AS PERMISSIVE FOR SELECT TO authenticated USING ((select auth.uid()) = user_id);
CREATE POLICY owner_insert ON public.sessions AS PERMISSIVE FOR INSERT TO authenticated WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY owner_update ON public.sessions AS PERMISSIVE FOR UPDATE TO authenticated USING ((select auth.uid()) = user_id) WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY owner_delete ON public.sessions AS PERMISSIVE FOR DELETE TO authenticated USING ((select auth.uid()) = user_id);
CREATE POLICY admin_select ON public.sessions AS PERMISSIVE FOR SELECT TO domain_admin USING (true);
CREATE POLICY admin_insert ON public.sessions AS PERMISSIVE FOR INSERT TO domain_admin WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY admin_update ON public.sessions AS PERMISSIVE FOR UPDATE TO domain_admin USING ((select auth.uid()) = user_id) WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY admin_delete ON public.sessions AS PERMISSIVE FOR DELETE TO domain_admin USING ((select auth.uid()) = user_id);

ALTER TABLE public.session_revisions ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON TABLE public.session_revisions FROM PUBLIC, anon, authenticated, domain_admin, service_role;
GRANT SELECT ON TABLE public.session_revisions TO anon;
GRANT SELECT, INSERT ON TABLE public.session_revisions TO authenticated;
GRANT SELECT, INSERT ON TABLE public.session_revisions TO domain_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.session_revisions TO service_role;
CREATE POLICY owner_select ON public.session_revisions AS PERMISSIVE FOR SELECT TO authenticated USING ((select auth.uid()) = user_id);
CREATE POLICY owner_insert ON public.session_revisions AS PERMISSIVE FOR INSERT TO authenticated WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY admin_select ON public.session_revisions AS PERMISSIVE FOR SELECT TO domain_admin USING (true);
CREATE POLICY admin_insert ON public.session_revisions AS PERMISSIVE FOR INSERT TO domain_admin WITH CHECK ((select auth.uid()) = user_id);

ALTER TABLE public.session_drafts ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON TABLE public.session_drafts FROM PUBLIC, anon, authenticated, domain_admin, service_role;
GRANT SELECT ON TABLE public.session_drafts TO anon;
GRANT SELECT, INSERT, UPDATE (is_valid, validation_details), DELETE ON TABLE public.session_drafts TO authenticated;
GRANT SELECT, INSERT, UPDATE (is_valid, validation_details), DELETE ON TABLE public.session_drafts TO domain_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.session_drafts TO service_role;
CREATE POLICY owner_select ON public.session_drafts AS PERMISSIVE FOR SELECT TO authenticated USING ((select auth.uid()) = user_id);
CREATE POLICY owner_insert ON public.session_drafts AS PERMISSIVE FOR INSERT TO authenticated WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY owner_update ON public.session_drafts AS PERMISSIVE FOR UPDATE TO authenticated USING ((select auth.uid()) = user_id) WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY owner_delete ON public.session_drafts AS PERMISSIVE FOR DELETE TO authenticated USING ((select auth.uid()) = user_id);
CREATE POLICY admin_select ON public.session_drafts AS PERMISSIVE FOR SELECT TO domain_admin USING (true);
CREATE POLICY admin_insert ON public.session_drafts AS PERMISSIVE FOR INSERT TO domain_admin WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY admin_update ON public.session_drafts AS PERMISSIVE FOR UPDATE TO domain_admin USING ((select auth.uid()) = user_id) WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY admin_delete ON public.session_drafts AS PERMISSIVE FOR DELETE TO domain_admin USING ((select auth.uid()) = user_id);

ALTER TABLE public.messages ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON TABLE public.messages FROM PUBLIC, anon, authenticated, domain_admin, service_role;
GRANT SELECT ON TABLE public.messages TO anon;
GRANT SELECT, INSERT ON TABLE public.messages TO authenticated;
GRANT SELECT, INSERT ON TABLE public.messages TO domain_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.messages TO service_role;
CREATE POLICY owner_select ON public.messages AS PERMISSIVE FOR SELECT TO authenticated USING ((select auth.uid()) = user_id);
CREATE POLICY owner_insert ON public.messages AS PERMISSIVE FOR INSERT TO authenticated WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY admin_select ON public.messages AS PERMISSIVE FOR SELECT TO domain_admin USING (true);
CREATE POLICY admin_insert ON public.messages AS PERMISSIVE FOR INSERT TO domain_admin WITH CHECK ((select auth.uid()) = user_id);

ALTER TABLE public.hole_resolutions ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON TABLE public.hole_resolutions FROM PUBLIC, anon, authenticated, domain_admin, service_role;
GRANT SELECT ON TABLE public.hole_resolutions TO anon;
GRANT SELECT, INSERT, UPDATE (confidence, resolution_value, resolved_at), DELETE ON TABLE public.hole_resolutions TO authenticated;
GRANT SELECT, INSERT, UPDATE (confidence, resolution_value, resolved_at), DELETE ON TABLE public.hole_resolutions TO domain_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.hole_resolutions TO service_role;
CREATE POLICY owner_select ON public.hole_resolutions AS PERMISSIVE FOR SELECT TO authenticated USING ((select auth.uid()) = user_id);
CREATE POLICY owner_insert ON public.hole_resolutions AS PERMISSIVE FOR INSERT TO authenticated WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY owner_update ON public.hole_resolutions AS PERMISSIVE FOR UPDATE TO authenticated USING ((select auth.uid()) = user_id) WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY owner_delete ON public.hole_resolutions AS PERMISSIVE FOR DELETE TO authenticated USING ((select auth.uid()) = user_id);
CREATE POLICY admin_select ON public.hole_resolutions AS PERMISSIVE FOR SELECT TO domain_admin USING (true);
CREATE POLICY admin_insert ON public.hole_resolutions AS PERMISSIVE FOR INSERT TO domain_admin WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY admin_update ON public.hole_resolutions AS PERMISSIVE FOR UPDATE TO domain_admin USING ((select auth.uid()) = user_id) WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY admin_delete ON public.hole_resolutions AS PERMISSIVE FOR DELETE TO domain_admin USING ((select auth.uid()) = user_id);

ALTER TABLE public.conversations ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON TABLE public.conversations FROM PUBLIC, anon, authenticated, domain_admin, service_role;
GRANT SELECT ON TABLE public.conversations TO anon;
GRANT SELECT, INSERT (archived_at, continuation_id, created_at, id, last_sequence, metadata, session_id, title, user_id), UPDATE (archived_at, last_sequence, metadata, title, updated_at), DELETE ON TABLE public.conversations TO authenticated;
GRANT SELECT, INSERT (archived_at, continuation_id, created_at, id, last_sequence, metadata, session_id, title, user_id), UPDATE (archived_at, last_sequence, metadata, title, updated_at), DELETE ON TABLE public.conversations TO domain_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.conversations TO service_role;
CREATE POLICY owner_select ON public.conversations AS PERMISSIVE FOR SELECT TO authenticated USING ((select auth.uid()) = user_id);
CREATE POLICY owner_insert ON public.conversations AS PERMISSIVE FOR INSERT TO authenticated WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY owner_update ON public.conversations AS PERMISSIVE FOR UPDATE TO authenticated USING ((select auth.uid()) = user_id) WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY owner_delete ON public.conversations AS PERMISSIVE FOR DELETE TO authenticated USING ((select auth.uid()) = user_id);
CREATE POLICY admin_select ON public.conversations AS PERMISSIVE FOR SELECT TO domain_admin USING (true);
CREATE POLICY admin_insert ON public.conversations AS PERMISSIVE FOR INSERT TO domain_admin WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY admin_update ON public.conversations AS PERMISSIVE FOR UPDATE TO domain_admin USING ((select auth.uid()) = user_id) WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY admin_delete ON public.conversations AS PERMISSIVE FOR DELETE TO domain_admin USING ((select auth.uid()) = user_id);
