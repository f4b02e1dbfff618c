DO $rt$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_publication_tables
               WHERE pubname = 'supabase_realtime' AND schemaname = 'public' AND tablename = 'session_revisions') THEN
        ALTER PUBLICATION supabase_realtime DROP TABLE public.session_revisions;
    END IF;
END
$rt$;

DO $rt$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_publication_tables
               WHERE pubname = 'supabase_realtime' AND schemaname = 'public' AND tablename = 'sessions') THEN
        ALTER PUBLICATION supabase_realtime DROP TABLE public.sessions;
    END IF;
END
$rt$;

DROP VIEW IF EXISTS public.draft_validation_stats;

DROP VIEW IF EXISTS public.recent_activity;

DROP VIEW IF EXISTS public.user_analytics;

DROP VIEW IF EXISTS public.session_summary;

DROP POLICY IF EXISTS hole_resolutions_select_own ON public.hole_resolutions;
DROP POLICY IF EXISTS hole_resolutions_select_admin ON public.hole_resolutions;
DROP POLICY IF EXISTS hole_resolutions_insert_own ON public.hole_resolutions;
DROP POLICY IF EXISTS hole_resolutions_update_own ON public.hole_resolutions;
DROP POLICY IF EXISTS hole_resolutions_delete_own ON public.hole_resolutions;
REVOKE ALL ON TABLE public.hole_resolutions FROM anon, authenticated, service_role;
ALTER TABLE public.hole_resolutions DISABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS session_drafts_select_own ON public.session_drafts;
DROP POLICY IF EXISTS session_drafts_select_admin ON public.session_drafts;
DROP POLICY IF EXISTS session_drafts_insert_own ON public.session_drafts;
DROP POLICY IF EXISTS session_drafts_update_own ON public.session_drafts;
DROP POLICY IF EXISTS session_drafts_delete_own ON public.session_drafts;
REVOKE ALL ON TABLE public.session_drafts FROM anon, authenticated, service_role;
ALTER TABLE public.session_drafts DISABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS session_revisions_select_own ON public.session_revisions;
DROP POLICY IF EXISTS session_revisions_select_admin ON public.session_revisions;
DROP POLICY IF EXISTS session_revisions_insert_own ON public.session_revisions;
DROP POLICY IF EXISTS session_revisions_update_own ON public.session_revisions;
DROP POLICY IF EXISTS session_revisions_delete_own ON public.session_revisions;
REVOKE ALL ON TABLE public.session_revisions FROM anon, authenticated, service_role;
ALTER TABLE public.session_revisions DISABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS sessions_select_own ON public.sessions;
DROP POLICY IF EXISTS sessions_select_admin ON public.sessions;
DROP POLICY IF EXISTS sessions_insert_own ON public.sessions;
DROP POLICY IF EXISTS sessions_update_own ON public.sessions;
DROP POLICY IF EXISTS sessions_delete_own ON public.sessions;
REVOKE ALL ON TABLE public.sessions FROM anon, authenticated, service_role;
ALTER TABLE public.sessions DISABLE ROW LEVEL SECURITY;

DROP TRIGGER IF EXISTS trg_hole_resolutions_count ON public.hole_resolutions;
DROP TRIGGER IF EXISTS trg_session_drafts_count ON public.session_drafts;
DROP TRIGGER IF EXISTS trg_session_revisions_count ON public.session_revisions;
DROP FUNCTION IF EXISTS domain_private.maintain_session_counters();

DROP TRIGGER IF EXISTS trg_sessions_updated_at ON public.sessions;

ALTER TABLE public.sessions DROP CONSTRAINT IF EXISTS fk_sessions_auth_users;

DROP TABLE public.hole_resolutions;

DROP TABLE public.session_drafts;

DROP TABLE public.session_revisions;

DROP TABLE public.sessions;

DROP TYPE IF EXISTS public.session_status;

DROP FUNCTION IF EXISTS domain_private.set_updated_at();

DROP PROCEDURE IF EXISTS domain_private.set_request_context(text, text);

ALTER DEFAULT PRIVILEGES IN SCHEMA domain_private GRANT EXECUTE ON FUNCTIONS TO PUBLIC;
DROP SCHEMA IF EXISTS domain_private;

DO $shim$
DECLARE
    marker constant text := 'Created by the Domain compatibility shim; on Supabase this object belongs to Supabase.';
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_publication p
               WHERE p.pubname = 'supabase_realtime' AND obj_description(p.oid, 'pg_publication') = marker) THEN
        DROP PUBLICATION supabase_realtime;
    END IF;
    IF to_regprocedure('auth.jwt()') IS NOT NULL AND obj_description('auth.jwt()'::regprocedure, 'pg_proc') = marker THEN
        DROP FUNCTION auth.jwt();
    END IF;
    IF to_regprocedure('auth.role()') IS NOT NULL AND obj_description('auth.role()'::regprocedure, 'pg_proc') = marker THEN
        DROP FUNCTION auth.role();
    END IF;
    IF to_regprocedure('auth.uid()') IS NOT NULL AND obj_description('auth.uid()'::regprocedure, 'pg_proc') = marker THEN
        DROP FUNCTION auth.uid();
    END IF;
    IF to_regclass('auth.users') IS NOT NULL AND obj_description('auth.users'::regclass, 'pg_class') = marker THEN
        DROP TABLE auth.users;
    END IF;
    IF EXISTS (SELECT FROM pg_catalog.pg_namespace n
               WHERE n.nspname = 'auth' AND obj_description(n.oid, 'pg_namespace') = marker) THEN
        DROP SCHEMA auth;
    END IF;
END
$shim$;
