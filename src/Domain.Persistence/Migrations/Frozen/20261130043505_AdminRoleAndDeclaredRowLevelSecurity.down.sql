DROP POLICY owner_select ON public.usage_logs;
DROP POLICY admin_select ON public.usage_logs;
REVOKE ALL ON TABLE public.usage_logs FROM PUBLIC, anon, authenticated, domain_admin, service_role;
ALTER TABLE public.usage_logs DISABLE ROW LEVEL SECURITY;

DROP POLICY owner_select ON public.sessions;
DROP POLICY owner_insert ON public.sessions;
DROP POLICY owner_update ON public.sessions;
DROP POLICY owner_delete ON public.sessions;
DROP POLICY admin_select ON public.sessions;
DROP POLICY admin_insert ON public.sessions;
DROP POLICY admin_update ON public.sessions;
DROP POLICY admin_delete ON public.sessions;
REVOKE ALL ON TABLE public.sessions FROM PUBLIC, anon, authenticated, domain_admin, service_role;
ALTER TABLE public.sessions DISABLE ROW LEVEL SECURITY;

DROP POLICY owner_select ON public.session_revisions;
DROP POLICY owner_insert ON public.session_revisions;
DROP POLICY admin_select ON public.session_revisions;
DROP POLICY admin_insert ON public.session_revisions;
REVOKE ALL ON TABLE public.session_revisions FROM PUBLIC, anon, authenticated, domain_admin, service_role;
ALTER TABLE public.session_revisions DISABLE ROW LEVEL SECURITY;

DROP POLICY owner_select ON public.session_drafts;
DROP POLICY owner_insert ON public.session_drafts;
DROP POLICY owner_update ON public.session_drafts;
DROP POLICY owner_delete ON public.session_drafts;
DROP POLICY admin_select ON public.session_drafts;
DROP POLICY admin_insert ON public.session_drafts;
DROP POLICY admin_update ON public.session_drafts;
DROP POLICY admin_delete ON public.session_drafts;
REVOKE ALL ON TABLE public.session_drafts FROM PUBLIC, anon, authenticated, domain_admin, service_role;
ALTER TABLE public.session_drafts DISABLE ROW LEVEL SECURITY;

DROP POLICY owner_select ON public.messages;
DROP POLICY owner_insert ON public.messages;
DROP POLICY admin_select ON public.messages;
DROP POLICY admin_insert ON public.messages;
REVOKE ALL ON TABLE public.messages FROM PUBLIC, anon, authenticated, domain_admin, service_role;
ALTER TABLE public.messages DISABLE ROW LEVEL SECURITY;

DROP POLICY owner_select ON public.hole_resolutions;
DROP POLICY owner_insert ON public.hole_resolutions;
DROP POLICY owner_update ON public.hole_resolutions;
DROP POLICY owner_delete ON public.hole_resolutions;
DROP POLICY admin_select ON public.hole_resolutions;
DROP POLICY admin_insert ON public.hole_resolutions;
DROP POLICY admin_update ON public.hole_resolutions;
DROP POLICY admin_delete ON public.hole_resolutions;
REVOKE ALL ON TABLE public.hole_resolutions FROM PUBLIC, anon, authenticated, domain_admin, service_role;
ALTER TABLE public.hole_resolutions DISABLE ROW LEVEL SECURITY;

DROP POLICY owner_select ON public.conversations;
DROP POLICY owner_insert ON public.conversations;
DROP POLICY owner_update ON public.conversations;
DROP POLICY owner_delete ON public.conversations;
DROP POLICY admin_select ON public.conversations;
DROP POLICY admin_insert ON public.conversations;
DROP POLICY admin_update ON public.conversations;
DROP POLICY admin_delete ON public.conversations;
REVOKE ALL ON TABLE public.conversations FROM PUBLIC, anon, authenticated, domain_admin, service_role;
ALTER TABLE public.conversations DISABLE ROW LEVEL SECURITY;

REVOKE ALL ON TABLE public.session_summary, public.user_analytics, public.recent_activity, public.draft_validation_stats, public.conversation_summary, public.user_usage_summary FROM domain_admin;

ALTER TABLE public.sessions ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON TABLE public.sessions FROM PUBLIC, anon, authenticated, service_role;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.sessions TO service_role;
GRANT SELECT ON TABLE public.sessions TO anon;
CREATE POLICY sessions_select_own ON public.sessions FOR SELECT TO authenticated USING ((SELECT auth.uid()) = user_id);
CREATE POLICY sessions_select_admin ON public.sessions FOR SELECT TO authenticated USING (((SELECT auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin');
GRANT SELECT ON TABLE public.sessions TO authenticated;
CREATE POLICY sessions_insert_own ON public.sessions FOR INSERT TO authenticated WITH CHECK ((SELECT auth.uid()) = user_id);
GRANT INSERT (id, user_id, title, description, status, current_ir, metadata, last_revision_number, created_at, finalized_at, archived_at) ON TABLE public.sessions TO authenticated;
CREATE POLICY sessions_update_own ON public.sessions FOR UPDATE TO authenticated USING ((SELECT auth.uid()) = user_id) WITH CHECK ((SELECT auth.uid()) = user_id);
GRANT UPDATE (title, description, status, current_ir, metadata, last_revision_number, finalized_at, archived_at, updated_at) ON TABLE public.sessions TO authenticated;
CREATE POLICY sessions_delete_own ON public.sessions FOR DELETE TO authenticated USING ((SELECT auth.uid()) = user_id);
GRANT DELETE ON TABLE public.sessions TO authenticated;

ALTER TABLE public.session_revisions ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON TABLE public.session_revisions FROM PUBLIC, anon, authenticated, service_role;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.session_revisions TO service_role;
GRANT SELECT ON TABLE public.session_revisions TO anon;
CREATE POLICY session_revisions_select_own ON public.session_revisions FOR SELECT TO authenticated USING ((SELECT auth.uid()) = user_id);
CREATE POLICY session_revisions_select_admin ON public.session_revisions FOR SELECT TO authenticated USING (((SELECT auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin');
GRANT SELECT ON TABLE public.session_revisions TO authenticated;
CREATE POLICY session_revisions_insert_own ON public.session_revisions FOR INSERT TO authenticated WITH CHECK ((SELECT auth.uid()) = user_id);
GRANT INSERT ON TABLE public.session_revisions TO authenticated;

ALTER TABLE public.session_drafts ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON TABLE public.session_drafts FROM PUBLIC, anon, authenticated, service_role;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.session_drafts TO service_role;
GRANT SELECT ON TABLE public.session_drafts TO anon;
CREATE POLICY session_drafts_select_own ON public.session_drafts FOR SELECT TO authenticated USING ((SELECT auth.uid()) = user_id);
CREATE POLICY session_drafts_select_admin ON public.session_drafts FOR SELECT TO authenticated USING (((SELECT auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin');
GRANT SELECT ON TABLE public.session_drafts TO authenticated;
CREATE POLICY session_drafts_insert_own ON public.session_drafts FOR INSERT TO authenticated WITH CHECK ((SELECT auth.uid()) = user_id);
GRANT INSERT ON TABLE public.session_drafts TO authenticated;
CREATE POLICY session_drafts_update_own ON public.session_drafts FOR UPDATE TO authenticated USING ((SELECT auth.uid()) = user_id) WITH CHECK ((SELECT auth.uid()) = user_id);
GRANT UPDATE (is_valid, validation_details) ON TABLE public.session_drafts TO authenticated;
CREATE POLICY session_drafts_delete_own ON public.session_drafts FOR DELETE TO authenticated USING ((SELECT auth.uid()) = user_id);
GRANT DELETE ON TABLE public.session_drafts TO authenticated;

ALTER TABLE public.hole_resolutions ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON TABLE public.hole_resolutions FROM PUBLIC, anon, authenticated, service_role;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.hole_resolutions TO service_role;
GRANT SELECT ON TABLE public.hole_resolutions TO anon;
CREATE POLICY hole_resolutions_select_own ON public.hole_resolutions FOR SELECT TO authenticated USING ((SELECT auth.uid()) = user_id);
CREATE POLICY hole_resolutions_select_admin ON public.hole_resolutions FOR SELECT TO authenticated USING (((SELECT auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin');
GRANT SELECT ON TABLE public.hole_resolutions TO authenticated;
CREATE POLICY hole_resolutions_insert_own ON public.hole_resolutions FOR INSERT TO authenticated WITH CHECK ((SELECT auth.uid()) = user_id);
GRANT INSERT ON TABLE public.hole_resolutions TO authenticated;
CREATE POLICY hole_resolutions_update_own ON public.hole_resolutions FOR UPDATE TO authenticated USING ((SELECT auth.uid()) = user_id) WITH CHECK ((SELECT auth.uid()) = user_id);
GRANT UPDATE (resolution_value, confidence, resolved_at) ON TABLE public.hole_resolutions TO authenticated;
CREATE POLICY hole_resolutions_delete_own ON public.hole_resolutions FOR DELETE TO authenticated USING ((SELECT auth.uid()) = user_id);
GRANT DELETE ON TABLE public.hole_resolutions TO authenticated;

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

CREATE OR REPLACE PROCEDURE domain_private.set_request_context(claims text, role text)
LANGUAGE plpgsql
SECURITY INVOKER
SET search_path = ''
AS $proc$
DECLARE
    parsed jsonb;
BEGIN
    IF role IS NULL OR role NOT IN ('anon', 'authenticated', 'service_role') THEN
        RAISE EXCEPTION 'set_request_context: role % is not one of anon, authenticated, service_role', coalesce(role, 'NULL')
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

REVOKE USAGE ON SCHEMA public FROM domain_admin;
