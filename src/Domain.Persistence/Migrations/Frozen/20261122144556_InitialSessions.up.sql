DO $shim$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'anon') THEN
        CREATE ROLE anon NOLOGIN NOINHERIT;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'authenticated') THEN
        CREATE ROLE authenticated NOLOGIN NOINHERIT;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'service_role') THEN
        CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS;
    END IF;

    IF NOT EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = 'auth') THEN
        CREATE SCHEMA auth;
        COMMENT ON SCHEMA auth IS 'Created by the Domain compatibility shim; on Supabase this object belongs to Supabase.';
        GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role;
    END IF;

    IF to_regclass('auth.users') IS NULL THEN
        CREATE TABLE auth.users (
            id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            email text,
            raw_app_meta_data jsonb NOT NULL DEFAULT '{}'::jsonb,
            raw_user_meta_data jsonb NOT NULL DEFAULT '{}'::jsonb,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now()
        );
        COMMENT ON TABLE auth.users IS 'Created by the Domain compatibility shim; on Supabase this object belongs to Supabase.';
    END IF;

    IF to_regprocedure('auth.uid()') IS NULL THEN
        CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $f$
            SELECT coalesce(
                nullif(current_setting('request.jwt.claim.sub', true), ''),
                nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'
            )::uuid
        $f$;
        COMMENT ON FUNCTION auth.uid() IS 'Created by the Domain compatibility shim; on Supabase this object belongs to Supabase.';
    END IF;

    IF to_regprocedure('auth.role()') IS NULL THEN
        CREATE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE AS $f$
            SELECT coalesce(
                nullif(current_setting('request.jwt.claim.role', true), ''),
                nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role'
            )::text
        $f$;
        COMMENT ON FUNCTION auth.role() IS 'Created by the Domain compatibility shim; on Supabase this object belongs to Supabase.';
    END IF;

    IF to_regprocedure('auth.jwt()') IS NULL THEN
        CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS $f$
            SELECT coalesce(
                nullif(current_setting('request.jwt.claim', true), ''),
                nullif(current_setting('request.jwt.claims', true), '')
            )::jsonb
        $f$;
        COMMENT ON FUNCTION auth.jwt() IS 'Created by the Domain compatibility shim; on Supabase this object belongs to Supabase.';
    END IF;

    IF NOT EXISTS (SELECT FROM pg_catalog.pg_publication WHERE pubname = 'supabase_realtime') THEN
        CREATE PUBLICATION supabase_realtime;
        COMMENT ON PUBLICATION supabase_realtime IS 'Created by the Domain compatibility shim; on Supabase this object belongs to Supabase.';
    END IF;
END
$shim$;

CREATE SCHEMA IF NOT EXISTS domain_private;
REVOKE ALL ON SCHEMA domain_private FROM PUBLIC;
GRANT USAGE ON SCHEMA domain_private TO PUBLIC;
ALTER DEFAULT PRIVILEGES IN SCHEMA domain_private REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

CREATE PROCEDURE domain_private.set_request_context(claims text, role text)
LANGUAGE plpgsql
SECURITY INVOKER
AS $proc$
DECLARE
    parsed jsonb;
BEGIN
    IF role IS NULL OR role NOT IN ('anon', 'authenticated', 'service_role') THEN
        RAISE EXCEPTION 'set_request_context: role % is not one of anon, authenticated, service_role', coalesce(role, 'NULL')
            USING ERRCODE = '42501';
    END IF;
    parsed := claims::jsonb;
    IF parsed IS NULL OR jsonb_typeof(parsed) <> 'object' THEN
        RAISE EXCEPTION 'set_request_context: claims must be a JSON object' USING ERRCODE = '22P02';
    END IF;
    IF parsed ? 'role' AND parsed ->> 'role' IS DISTINCT FROM role THEN
        RAISE EXCEPTION 'set_request_context: the claims say role %, the call says %', parsed ->> 'role', role
            USING ERRCODE = '42501';
    END IF;
    PERFORM pg_catalog.set_config('request.jwt.claims', parsed::text, true),
            pg_catalog.set_config('request.jwt.claim.sub', coalesce(parsed ->> 'sub', ''), true),
            pg_catalog.set_config('request.jwt.claim.role', role, true),
            pg_catalog.set_config('role', role, true);
END
$proc$;
REVOKE ALL ON PROCEDURE domain_private.set_request_context(text, text) FROM PUBLIC;
GRANT EXECUTE ON PROCEDURE domain_private.set_request_context(text, text) TO PUBLIC;

CREATE FUNCTION domain_private.set_updated_at() RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $fn$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$fn$;

CREATE TYPE public.session_status AS ENUM ('active', 'finalized', 'archived');

CREATE TABLE public.sessions (
    id uuid NOT NULL DEFAULT (gen_random_uuid()),
    user_id uuid NOT NULL,
    title character varying(200) NOT NULL,
    description character varying(2000),
    status public.session_status NOT NULL,
    current_ir jsonb,
    metadata jsonb NOT NULL DEFAULT ('{}'::jsonb),
    last_revision_number integer NOT NULL,
    revision_count integer NOT NULL DEFAULT (0),
    draft_count integer NOT NULL DEFAULT (0),
    hole_count integer NOT NULL DEFAULT (0),
    created_at timestamp with time zone NOT NULL DEFAULT (now()),
    updated_at timestamp with time zone NOT NULL DEFAULT (now()),
    finalized_at timestamp with time zone,
    archived_at timestamp with time zone,
    CONSTRAINT pk_sessions PRIMARY KEY (id),
    CONSTRAINT ak_sessions_id_user_id UNIQUE (id, user_id),
    CONSTRAINT ck_sessions_counters_non_negative CHECK (revision_count >= 0 and draft_count >= 0 and hole_count >= 0),
    CONSTRAINT ck_sessions_current_ir_object CHECK (current_ir is null or jsonb_typeof(current_ir) = 'object'),
    CONSTRAINT ck_sessions_metadata_object CHECK (jsonb_typeof(metadata) = 'object'),
    CONSTRAINT ck_sessions_revision_numbers CHECK (last_revision_number >= revision_count),
    CONSTRAINT ck_sessions_status_timestamps CHECK ((status = 'active' and finalized_at is null and archived_at is null) or (status = 'finalized' and finalized_at is not null and archived_at is null) or (status = 'archived' and archived_at is not null)),
    CONSTRAINT ck_sessions_title_length CHECK (char_length(title) between 1 and 200)
);

CREATE TABLE public.hole_resolutions (
    id uuid NOT NULL DEFAULT (gen_random_uuid()),
    session_id uuid NOT NULL,
    user_id uuid NOT NULL,
    hole_id character varying(100) NOT NULL,
    resolution_value jsonb NOT NULL,
    confidence double precision NOT NULL,
    created_at timestamp with time zone NOT NULL DEFAULT (now()),
    resolved_at timestamp with time zone NOT NULL DEFAULT (now()),
    CONSTRAINT pk_hole_resolutions PRIMARY KEY (id),
    CONSTRAINT ck_hole_resolutions_confidence_range CHECK (confidence >= 0.0 and confidence <= 1.0),
    CONSTRAINT ck_hole_resolutions_hole_id CHECK (hole_id ~ '^[A-Za-z?][A-Za-z0-9_.:-]*$'),
    CONSTRAINT fk_hole_resolutions_sessions_session_id_user_id FOREIGN KEY (session_id, user_id) REFERENCES public.sessions (id, user_id) ON DELETE CASCADE
);

CREATE TABLE public.session_drafts (
    id uuid NOT NULL DEFAULT (gen_random_uuid()),
    session_id uuid NOT NULL,
    user_id uuid NOT NULL,
    revision_number integer NOT NULL,
    code text NOT NULL,
    language character varying(50) NOT NULL,
    is_valid boolean NOT NULL,
    validation_details jsonb,
    created_at timestamp with time zone NOT NULL DEFAULT (now()),
    CONSTRAINT pk_session_drafts PRIMARY KEY (id),
    CONSTRAINT ck_session_drafts_code_not_empty CHECK (char_length(code) > 0),
    CONSTRAINT ck_session_drafts_language CHECK (language ~ '^[a-z][a-z0-9+#.-]*$'),
    CONSTRAINT ck_session_drafts_revision_positive CHECK (revision_number >= 1),
    CONSTRAINT fk_session_drafts_sessions_session_id_user_id FOREIGN KEY (session_id, user_id) REFERENCES public.sessions (id, user_id) ON DELETE CASCADE
);

CREATE TABLE public.session_revisions (
    id uuid NOT NULL DEFAULT (gen_random_uuid()),
    session_id uuid NOT NULL,
    user_id uuid NOT NULL,
    revision_number integer NOT NULL,
    ir jsonb NOT NULL,
    change_summary character varying(1000),
    created_at timestamp with time zone NOT NULL DEFAULT (now()),
    CONSTRAINT pk_session_revisions PRIMARY KEY (id),
    CONSTRAINT ck_session_revisions_ir_object CHECK (jsonb_typeof(ir) = 'object'),
    CONSTRAINT ck_session_revisions_number_positive CHECK (revision_number >= 1),
    CONSTRAINT fk_session_revisions_sessions_session_id_user_id FOREIGN KEY (session_id, user_id) REFERENCES public.sessions (id, user_id) ON DELETE CASCADE
);

CREATE UNIQUE INDEX ix_hole_resolutions_session_id_hole_id ON public.hole_resolutions (session_id, hole_id);

CREATE INDEX ix_hole_resolutions_session_id_user_id ON public.hole_resolutions (session_id, user_id);

CREATE INDEX ix_hole_resolutions_user_id ON public.hole_resolutions (user_id);

CREATE INDEX ix_session_drafts_session_id_user_id_created_at ON public.session_drafts (session_id, user_id, created_at);

CREATE INDEX ix_session_drafts_user_id_language_is_valid ON public.session_drafts (user_id, language, is_valid);

CREATE UNIQUE INDEX ix_session_revisions_session_id_revision_number ON public.session_revisions (session_id, revision_number);

CREATE INDEX ix_session_revisions_session_id_user_id ON public.session_revisions (session_id, user_id);

CREATE INDEX ix_session_revisions_user_id ON public.session_revisions (user_id);

CREATE INDEX ix_sessions_metadata ON public.sessions USING gin (metadata jsonb_path_ops);

CREATE INDEX ix_sessions_user_id_created_at ON public.sessions (user_id, created_at DESC, id DESC);

ALTER TABLE public.sessions
    ADD CONSTRAINT fk_sessions_auth_users FOREIGN KEY (user_id) REFERENCES auth.users (id) ON DELETE CASCADE;

CREATE TRIGGER trg_sessions_updated_at BEFORE UPDATE ON public.sessions
FOR EACH ROW EXECUTE FUNCTION domain_private.set_updated_at();

CREATE FUNCTION domain_private.maintain_session_counters() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF TG_TABLE_NAME = 'session_revisions' THEN
            UPDATE public.sessions
               SET revision_count = revision_count + 1,
                   last_revision_number = greatest(last_revision_number, NEW.revision_number)
             WHERE id = NEW.session_id;
        ELSIF TG_TABLE_NAME = 'session_drafts' THEN
            UPDATE public.sessions SET draft_count = draft_count + 1 WHERE id = NEW.session_id;
        ELSE
            UPDATE public.sessions SET hole_count = hole_count + 1 WHERE id = NEW.session_id;
        END IF;
        RETURN NEW;
    END IF;

    IF TG_TABLE_NAME = 'session_revisions' THEN
        UPDATE public.sessions SET revision_count = revision_count - 1 WHERE id = OLD.session_id;
    ELSIF TG_TABLE_NAME = 'session_drafts' THEN
        UPDATE public.sessions SET draft_count = draft_count - 1 WHERE id = OLD.session_id;
    ELSE
        UPDATE public.sessions SET hole_count = hole_count - 1 WHERE id = OLD.session_id;
    END IF;
    RETURN OLD;
END
$fn$;
REVOKE ALL ON FUNCTION domain_private.maintain_session_counters() FROM PUBLIC;

CREATE CONSTRAINT TRIGGER trg_session_revisions_count AFTER INSERT OR DELETE ON public.session_revisions
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION domain_private.maintain_session_counters();
CREATE CONSTRAINT TRIGGER trg_session_drafts_count AFTER INSERT OR DELETE ON public.session_drafts
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION domain_private.maintain_session_counters();
CREATE CONSTRAINT TRIGGER trg_hole_resolutions_count AFTER INSERT OR DELETE ON public.hole_resolutions
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION domain_private.maintain_session_counters();

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

CREATE VIEW public.session_summary WITH (security_invoker = true) AS
SELECT s.id,
       s.user_id,
       s.title,
       s.status,
       s.revision_count,
       s.draft_count,
       s.hole_count,
       (SELECT count(*) FROM public.session_drafts d WHERE d.session_id = s.id AND d.is_valid) AS valid_draft_count,
       (SELECT avg(h.confidence) FROM public.hole_resolutions h WHERE h.session_id = s.id) AS average_confidence,
       s.created_at,
       s.updated_at
  FROM public.sessions s;
REVOKE ALL ON TABLE public.session_summary FROM PUBLIC;
GRANT SELECT ON TABLE public.session_summary TO anon, authenticated, service_role;

CREATE VIEW public.user_analytics WITH (security_invoker = true) AS
SELECT s.user_id,
       count(*) AS session_count,
       count(*) FILTER (WHERE s.status = 'active') AS active_sessions,
       count(*) FILTER (WHERE s.status = 'finalized') AS finalized_sessions,
       count(*) FILTER (WHERE s.status = 'archived') AS archived_sessions,
       coalesce(sum(s.revision_count), 0)::bigint AS total_revisions,
       coalesce(sum(s.draft_count), 0)::bigint AS total_drafts,
       coalesce(sum(s.hole_count), 0)::bigint AS total_holes,
       min(s.created_at) AS first_session_at,
       max(s.updated_at) AS last_activity_at
  FROM public.sessions s
 GROUP BY s.user_id;
REVOKE ALL ON TABLE public.user_analytics FROM PUBLIC;
GRANT SELECT ON TABLE public.user_analytics TO anon, authenticated, service_role;

CREATE VIEW public.recent_activity WITH (security_invoker = true) AS
SELECT 'revision'::text AS activity_type, r.id AS activity_id, r.session_id, r.user_id,
       r.created_at AS occurred_at, coalesce(r.change_summary, 'revision ' || r.revision_number) AS summary
  FROM public.session_revisions r
UNION ALL
SELECT 'draft'::text, d.id, d.session_id, d.user_id,
       d.created_at, d.language || CASE WHEN d.is_valid THEN ' draft (valid)' ELSE ' draft (invalid)' END
  FROM public.session_drafts d
UNION ALL
SELECT 'hole_resolution'::text, h.id, h.session_id, h.user_id,
       h.resolved_at, 'resolved ' || h.hole_id
  FROM public.hole_resolutions h;
REVOKE ALL ON TABLE public.recent_activity FROM PUBLIC;
GRANT SELECT ON TABLE public.recent_activity TO anon, authenticated, service_role;

CREATE VIEW public.draft_validation_stats WITH (security_invoker = true) AS
SELECT d.user_id,
       d.language,
       count(*) AS total_drafts,
       count(*) FILTER (WHERE d.is_valid) AS valid_drafts,
       round(100.0 * count(*) FILTER (WHERE d.is_valid) / count(*), 2) AS success_rate_percent
  FROM public.session_drafts d
 GROUP BY d.user_id, d.language;
REVOKE ALL ON TABLE public.draft_validation_stats FROM PUBLIC;
GRANT SELECT ON TABLE public.draft_validation_stats TO anon, authenticated, service_role;

ALTER PUBLICATION supabase_realtime ADD TABLE public.sessions;

ALTER PUBLICATION supabase_realtime ADD TABLE public.session_revisions;
