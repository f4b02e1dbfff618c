DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM pg_namespace WHERE nspname = 'domain_ops') THEN
        CREATE SCHEMA domain_ops;
    END IF;
END $EF$;

DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM pg_namespace WHERE nspname = 'domain_ops') THEN
        CREATE SCHEMA domain_ops;
    END IF;
END $EF$;

CREATE TYPE domain_ops.file_deletion_job_status AS ENUM ('pending', 'running', 'succeeded', 'failed');
DO $EF$
BEGIN
    IF NOT EXISTS(SELECT 1 FROM pg_namespace WHERE nspname = 'domain_ops') THEN
        CREATE SCHEMA domain_ops;
    END IF;
END $EF$;

CREATE TYPE domain_ops.file_location AS ENUM ('storage', 'provider');
CREATE TYPE public.file_status AS ENUM ('uploaded', 'ready', 'deleting', 'deleted');
CREATE TYPE public.file_type AS ENUM ('document', 'image', 'audio', 'video', 'code', 'data', 'archive', 'other');
CREATE TYPE public.provider_upload_status AS ENUM ('active', 'deleting', 'deleted');

CREATE TABLE domain_ops.file_deletion_jobs (
    id uuid NOT NULL DEFAULT (gen_random_uuid()),
    file_id uuid NOT NULL,
    user_id uuid NOT NULL,
    location domain_ops.file_location NOT NULL,
    provider character varying(100),
    provider_upload_id uuid,
    target character varying(1024) NOT NULL,
    status domain_ops.file_deletion_job_status NOT NULL DEFAULT ('pending'::domain_ops.file_deletion_job_status),
    attempts integer NOT NULL DEFAULT 0,
    run_after timestamp with time zone NOT NULL DEFAULT (now()),
    locked_by character varying(200),
    locked_until timestamp with time zone,
    last_error text,
    attempt_errors jsonb NOT NULL DEFAULT ('[]'::jsonb),
    created_at timestamp with time zone NOT NULL DEFAULT (now()),
    updated_at timestamp with time zone NOT NULL DEFAULT (now()),
    completed_at timestamp with time zone,
    CONSTRAINT pk_file_deletion_jobs PRIMARY KEY (id),
    CONSTRAINT ck_file_deletion_jobs_attempt_errors_array CHECK (jsonb_typeof(attempt_errors) = 'array'),
    CONSTRAINT ck_file_deletion_jobs_attempts CHECK (attempts >= 0),
    CONSTRAINT ck_file_deletion_jobs_lease CHECK (status <> 'running' or (locked_by is not null and locked_until is not null)),
    CONSTRAINT ck_file_deletion_jobs_location CHECK ((location = 'storage' and provider is null and provider_upload_id is null) or (location = 'provider' and provider is not null and provider_upload_id is not null))
);

CREATE TABLE public.files (
    id uuid NOT NULL DEFAULT (gen_random_uuid()),
    user_id uuid NOT NULL,
    storage_path character varying(1024) NOT NULL,
    original_name character varying(255) NOT NULL,
    mime_type character varying(255) NOT NULL,
    size_bytes bigint NOT NULL,
    sha256 character varying(64) NOT NULL,
    file_type public.file_type NOT NULL,
    status public.file_status NOT NULL,
    is_copy boolean NOT NULL DEFAULT FALSE,
    metadata jsonb NOT NULL DEFAULT ('{}'::jsonb),
    access_count bigint NOT NULL DEFAULT (0),
    last_accessed_at timestamp with time zone DEFAULT (null),
    created_at timestamp with time zone NOT NULL DEFAULT (now()),
    updated_at timestamp with time zone NOT NULL DEFAULT (now()),
    ready_at timestamp with time zone DEFAULT (null),
    deletion_requested_at timestamp with time zone DEFAULT (null),
    deleted_at timestamp with time zone DEFAULT (null),
    CONSTRAINT pk_files PRIMARY KEY (id),
    CONSTRAINT ak_files_id_user_id UNIQUE (id, user_id),
    CONSTRAINT ck_files_access_count CHECK (access_count >= 0),
    CONSTRAINT ck_files_metadata_object CHECK (jsonb_typeof(metadata) = 'object'),
    CONSTRAINT ck_files_mime_type CHECK (mime_type ~ '^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$'),
    CONSTRAINT ck_files_original_name_length CHECK (char_length(original_name) between 1 and 255),
    CONSTRAINT ck_files_sha256 CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    CONSTRAINT ck_files_size_bytes CHECK (size_bytes between 0 and 52428800),
    CONSTRAINT ck_files_storage_path CHECK (storage_path <> '' and left(storage_path, 1) <> '/')
);

CREATE TABLE public.conversation_files (
    conversation_id uuid NOT NULL,
    file_id uuid NOT NULL,
    user_id uuid NOT NULL,
    attached_at timestamp with time zone NOT NULL DEFAULT (now()),
    CONSTRAINT pk_conversation_files PRIMARY KEY (conversation_id, file_id),
    CONSTRAINT fk_conversation_files_conversations_conversation_id_user_id FOREIGN KEY (conversation_id, user_id) REFERENCES public.conversations (id, user_id) ON DELETE CASCADE,
    CONSTRAINT fk_conversation_files_files_file_id_user_id FOREIGN KEY (file_id, user_id) REFERENCES public.files (id, user_id) ON DELETE CASCADE
);

CREATE TABLE public.provider_file_uploads (
    id uuid NOT NULL DEFAULT (gen_random_uuid()),
    file_id uuid NOT NULL,
    user_id uuid NOT NULL,
    provider character varying(100) NOT NULL,
    provider_file_id character varying(200) NOT NULL,
    purpose character varying(100),
    status public.provider_upload_status NOT NULL,
    expires_at timestamp with time zone,
    created_at timestamp with time zone NOT NULL DEFAULT (now()),
    deleted_at timestamp with time zone DEFAULT (null),
    CONSTRAINT pk_provider_file_uploads PRIMARY KEY (id),
    CONSTRAINT ck_provider_file_uploads_expires_after_creation CHECK (expires_at is null or expires_at > created_at),
    CONSTRAINT ck_provider_file_uploads_provider CHECK (char_length(provider) between 1 and 100 and provider = lower(provider)),
    CONSTRAINT fk_provider_file_uploads_files_file_id_user_id FOREIGN KEY (file_id, user_id) REFERENCES public.files (id, user_id) ON DELETE CASCADE
);

CREATE INDEX ix_conversation_files_conversation_id_user_id ON public.conversation_files (conversation_id, user_id);

CREATE INDEX ix_conversation_files_file_id_user_id ON public.conversation_files (file_id, user_id);

CREATE INDEX ix_conversation_files_user_id_attached_at ON public.conversation_files (user_id, attached_at DESC);

CREATE INDEX ix_file_deletion_jobs_file_id_status ON domain_ops.file_deletion_jobs (file_id, status);

CREATE INDEX ix_file_deletion_jobs_pending ON domain_ops.file_deletion_jobs (run_after) WHERE status = 'pending';

CREATE UNIQUE INDEX ix_file_deletion_jobs_provider_upload ON domain_ops.file_deletion_jobs (provider_upload_id) WHERE provider_upload_id is not null;

CREATE INDEX ix_file_deletion_jobs_running ON domain_ops.file_deletion_jobs (locked_until) WHERE status = 'running';

CREATE UNIQUE INDEX ix_file_deletion_jobs_storage ON domain_ops.file_deletion_jobs (file_id) WHERE location = 'storage';

CREATE INDEX ix_files_status_created_at ON public.files (status, created_at) WHERE status in ('uploaded', 'ready');

CREATE UNIQUE INDEX ix_files_storage_path ON public.files (storage_path) WHERE status <> 'deleted';

CREATE INDEX ix_files_user_id_created_at ON public.files (user_id, created_at DESC, id DESC);

CREATE INDEX ix_files_user_id_sha256 ON public.files (user_id, sha256);

CREATE UNIQUE INDEX ix_files_user_id_sha256_original ON public.files (user_id, sha256) WHERE status in ('uploaded', 'ready') and not is_copy;

CREATE INDEX ix_provider_file_uploads_file_id_user_id ON public.provider_file_uploads (file_id, user_id);

CREATE UNIQUE INDEX ix_provider_file_uploads_provider_provider_file_id ON public.provider_file_uploads (provider, provider_file_id);

CREATE INDEX ix_provider_file_uploads_user_id_created_at ON public.provider_file_uploads (user_id, created_at DESC, id DESC);

ALTER TABLE public.files
    ADD CONSTRAINT fk_files_auth_users FOREIGN KEY (user_id) REFERENCES auth.users (id) ON DELETE CASCADE;

CREATE FUNCTION domain_private.guard_file_status() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status NOT IN ('uploaded', 'ready') THEN
            RAISE EXCEPTION 'A file is registered uploaded or ready, not %.', NEW.status
                USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_files_status_transition', SCHEMA = 'public', TABLE = 'files';
        END IF;
        NEW.ready_at := CASE WHEN NEW.status = 'ready' THEN now() END;
        NEW.deletion_requested_at := NULL;
        NEW.deleted_at := NULL;
        RETURN NEW;
    END IF;

    IF NEW.status = OLD.status THEN
        RETURN NEW;
    END IF;

    IF (OLD.status, NEW.status) NOT IN (('uploaded', 'ready'), ('uploaded', 'deleting'), ('ready', 'deleting'), ('deleting', 'deleted')) THEN
        RAISE EXCEPTION 'File % cannot go from % to %: a file goes uploaded, ready, deleting, deleted.', OLD.id, OLD.status, NEW.status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_files_status_transition', SCHEMA = 'public', TABLE = 'files';
    END IF;

    IF NEW.status = 'deleted' AND EXISTS (SELECT FROM domain_ops.file_deletion_jobs j WHERE j.file_id = OLD.id AND j.status <> 'succeeded') THEN
        RAISE EXCEPTION 'File % is not removed everywhere yet: not every one of its deletion jobs has succeeded.', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_files_status_transition', SCHEMA = 'public', TABLE = 'files';
    END IF;

    IF NEW.status = 'ready' THEN
        NEW.ready_at := now();
    ELSIF NEW.status = 'deleting' THEN
        NEW.deletion_requested_at := now();
    ELSIF NEW.status = 'deleted' THEN
        NEW.deleted_at := now();
    END IF;
    RETURN NEW;
END
$fn$;
REVOKE ALL ON FUNCTION domain_private.guard_file_status() FROM PUBLIC;

CREATE FUNCTION domain_private.queue_file_deletion() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $fn$
DECLARE
    f public.files;
BEGIN
    IF TG_OP = 'DELETE' THEN
        f := OLD;
    ELSE
        f := NEW;
    END IF;

    IF f.status <> 'deleted' THEN
        INSERT INTO domain_ops.file_deletion_jobs (file_id, user_id, location, target)
        VALUES (f.id, f.user_id, 'storage', f.storage_path)
        ON CONFLICT DO NOTHING;

        INSERT INTO domain_ops.file_deletion_jobs (file_id, user_id, location, provider, provider_upload_id, target)
        SELECT u.file_id, u.user_id, 'provider', u.provider, u.id, u.provider_file_id
          FROM public.provider_file_uploads u
         WHERE u.file_id = f.id AND u.status <> 'deleted'
        ON CONFLICT DO NOTHING;
    END IF;

    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;

    UPDATE public.provider_file_uploads SET status = 'deleting' WHERE file_id = f.id AND status = 'active';
    RETURN NEW;
END
$fn$;
REVOKE ALL ON FUNCTION domain_private.queue_file_deletion() FROM PUBLIC;

CREATE FUNCTION domain_private.guard_provider_upload() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $fn$
DECLARE
    file_status public.file_status;
BEGIN
    IF NEW.status <> 'active' THEN
        RAISE EXCEPTION 'A provider upload is recorded active, not %.', NEW.status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_provider_file_uploads_recorded_active',
                  SCHEMA = 'public', TABLE = 'provider_file_uploads';
    END IF;

    -- FOR SHARE waits for a deletion request in progress on the file, then reads the status it committed; the
    -- copy is then refused instead of escaping the jobs that request queued. (A file of another user is not
    -- found here, and the foreign key refuses the row.)
    SELECT f.status INTO file_status FROM public.files f WHERE f.id = NEW.file_id AND f.user_id = NEW.user_id FOR SHARE;
    IF file_status IN ('deleting', 'deleted') THEN
        RAISE EXCEPTION 'File % is %: a copy recorded now would escape its deletion.', NEW.file_id, file_status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_provider_file_uploads_file_in_use',
                  SCHEMA = 'public', TABLE = 'provider_file_uploads';
    END IF;

    RETURN NEW;
END
$fn$;
REVOKE ALL ON FUNCTION domain_private.guard_provider_upload() FROM PUBLIC;

CREATE FUNCTION domain_private.finish_file_deletion() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $fn$
BEGIN
    -- The file's row before its copy's, the order every path that locks both takes. Two jobs of one file that
    -- finish together queue here; the second then sees the first's commit, so the last one marks the file.
    PERFORM 1 FROM public.files WHERE id = NEW.file_id FOR NO KEY UPDATE;
    IF NEW.provider_upload_id IS NOT NULL THEN
        UPDATE public.provider_file_uploads SET status = 'deleted', deleted_at = now()
         WHERE id = NEW.provider_upload_id AND status <> 'deleted';
    END IF;

    UPDATE public.files SET status = 'deleted'
     WHERE id = NEW.file_id AND status = 'deleting'
       AND NOT EXISTS (SELECT FROM domain_ops.file_deletion_jobs j WHERE j.file_id = NEW.file_id AND j.status <> 'succeeded');
    RETURN NEW;
END
$fn$;
REVOKE ALL ON FUNCTION domain_private.finish_file_deletion() FROM PUBLIC;

CREATE TRIGGER trg_files_status BEFORE INSERT OR UPDATE OF status ON public.files
FOR EACH ROW EXECUTE FUNCTION domain_private.guard_file_status();
CREATE TRIGGER trg_files_queue_deletion AFTER UPDATE OF status ON public.files
FOR EACH ROW WHEN (NEW.status = 'deleting' AND OLD.status <> 'deleting') EXECUTE FUNCTION domain_private.queue_file_deletion();
CREATE TRIGGER trg_files_queue_deletion_on_delete BEFORE DELETE ON public.files
FOR EACH ROW EXECUTE FUNCTION domain_private.queue_file_deletion();
CREATE TRIGGER trg_files_updated_at BEFORE UPDATE ON public.files
FOR EACH ROW WHEN (OLD.access_count = NEW.access_count) EXECUTE FUNCTION domain_private.set_updated_at();
CREATE TRIGGER trg_provider_file_uploads_file_in_use BEFORE INSERT ON public.provider_file_uploads
FOR EACH ROW EXECUTE FUNCTION domain_private.guard_provider_upload();
CREATE TRIGGER trg_file_deletion_jobs_finish AFTER UPDATE OF status ON domain_ops.file_deletion_jobs
FOR EACH ROW WHEN (NEW.status = 'succeeded' AND OLD.status <> 'succeeded') EXECUTE FUNCTION domain_private.finish_file_deletion();
CREATE TRIGGER trg_file_deletion_jobs_updated_at BEFORE UPDATE ON domain_ops.file_deletion_jobs
FOR EACH ROW EXECUTE FUNCTION domain_private.set_updated_at();

GRANT USAGE ON SCHEMA domain_ops TO service_role;
REVOKE ALL ON TABLE domain_ops.file_deletion_jobs FROM PUBLIC;
GRANT SELECT, UPDATE ON TABLE domain_ops.file_deletion_jobs TO service_role;

DROP VIEW IF EXISTS public.user_analytics;

CREATE VIEW public.user_analytics WITH (security_invoker = true) AS
WITH s AS (
    SELECT s.user_id,
           count(*) AS session_count,
           count(*) FILTER (WHERE s.status = 'active') AS active_sessions,
           count(*) FILTER (WHERE s.status = 'finalized') AS finalized_sessions,
           count(*) FILTER (WHERE s.status = 'archived') AS archived_sessions,
           coalesce(sum(s.revision_count), 0)::bigint AS total_revisions,
           coalesce(sum(s.draft_count), 0)::bigint AS total_drafts,
           coalesce(sum(s.hole_count), 0)::bigint AS total_holes,
           min(s.created_at) AS first_session_at,
           max(s.updated_at) AS last_session_activity_at
      FROM public.sessions s
     GROUP BY s.user_id),
f AS (
    SELECT f.user_id,
           count(*) FILTER (WHERE f.status IN ('uploaded', 'ready')) AS file_count,
           coalesce(sum(f.size_bytes) FILTER (WHERE f.status IN ('uploaded', 'ready')), 0)::bigint AS file_bytes,
           max(f.created_at) AS last_upload_at
      FROM public.files f
     GROUP BY f.user_id)
SELECT user_id,
       coalesce(s.session_count, 0) AS session_count,
       coalesce(s.active_sessions, 0) AS active_sessions,
       coalesce(s.finalized_sessions, 0) AS finalized_sessions,
       coalesce(s.archived_sessions, 0) AS archived_sessions,
       coalesce(s.total_revisions, 0) AS total_revisions,
       coalesce(s.total_drafts, 0) AS total_drafts,
       coalesce(s.total_holes, 0) AS total_holes,
       s.first_session_at,
       greatest(s.last_session_activity_at, f.last_upload_at) AS last_activity_at,
       coalesce(f.file_count, 0) AS file_count,
       coalesce(f.file_bytes, 0) AS file_bytes,
       f.last_upload_at
  FROM s FULL JOIN f USING (user_id);
REVOKE ALL ON TABLE public.user_analytics FROM PUBLIC;
GRANT SELECT ON TABLE public.user_analytics TO anon, authenticated, service_role;
GRANT SELECT ON TABLE public.user_analytics TO domain_admin;

DROP VIEW IF EXISTS public.recent_activity;

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
  FROM public.hole_resolutions h
UNION ALL
SELECT 'file_upload'::text, f.id, NULL::uuid, f.user_id,
       f.created_at, 'uploaded ' || f.original_name
  FROM public.files f
UNION ALL
SELECT 'file_deletion'::text, f.id, NULL::uuid, f.user_id,
       f.deletion_requested_at, 'deleted ' || f.original_name
  FROM public.files f
 WHERE f.deletion_requested_at IS NOT NULL;
REVOKE ALL ON TABLE public.recent_activity FROM PUBLIC;
GRANT SELECT ON TABLE public.recent_activity TO anon, authenticated, service_role;
GRANT SELECT ON TABLE public.recent_activity TO domain_admin;

DO $rt$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_publication WHERE pubname = 'supabase_realtime' AND NOT puballtables)
       AND NOT EXISTS (SELECT FROM pg_catalog.pg_publication_tables
                       WHERE pubname = 'supabase_realtime' AND schemaname = 'public' AND tablename = 'files') THEN
        ALTER PUBLICATION supabase_realtime ADD TABLE public.files;
    END IF;
END
$rt$;

DO $rt$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_publication WHERE pubname = 'supabase_realtime' AND NOT puballtables)
       AND NOT EXISTS (SELECT FROM pg_catalog.pg_publication_tables
                       WHERE pubname = 'supabase_realtime' AND schemaname = 'public' AND tablename = 'conversation_files') THEN
        ALTER PUBLICATION supabase_realtime ADD TABLE public.conversation_files;
    END IF;
END
$rt$;

ALTER TABLE public.files ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON TABLE public.files FROM PUBLIC, anon, authenticated, domain_admin, service_role;
GRANT SELECT ON TABLE public.files TO anon;
GRANT SELECT, INSERT (created_at, file_type, id, is_copy, metadata, mime_type, original_name, sha256, size_bytes, status, storage_path, user_id), UPDATE (metadata, status, updated_at) ON TABLE public.files TO authenticated;
GRANT SELECT, INSERT (created_at, file_type, id, is_copy, metadata, mime_type, original_name, sha256, size_bytes, status, storage_path, user_id), UPDATE (metadata, status, updated_at) ON TABLE public.files TO domain_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.files TO service_role;
CREATE POLICY owner_select ON public.files AS PERMISSIVE FOR SELECT TO authenticated USING ((select auth.uid()) = user_id);
CREATE POLICY owner_insert ON public.files AS PERMISSIVE FOR INSERT TO authenticated WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY owner_update ON public.files AS PERMISSIVE FOR UPDATE TO authenticated USING ((select auth.uid()) = user_id) WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY admin_select ON public.files AS PERMISSIVE FOR SELECT TO domain_admin USING (true);
CREATE POLICY admin_insert ON public.files AS PERMISSIVE FOR INSERT TO domain_admin WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY admin_update ON public.files AS PERMISSIVE FOR UPDATE TO domain_admin USING ((select auth.uid()) = user_id) WITH CHECK ((select auth.uid()) = user_id);

ALTER TABLE public.conversation_files ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON TABLE public.conversation_files FROM PUBLIC, anon, authenticated, domain_admin, service_role;
GRANT SELECT ON TABLE public.conversation_files TO anon;
GRANT SELECT, INSERT (attached_at, conversation_id, file_id, user_id), DELETE ON TABLE public.conversation_files TO authenticated;
GRANT SELECT, INSERT (attached_at, conversation_id, file_id, user_id), DELETE ON TABLE public.conversation_files TO domain_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.conversation_files TO service_role;
CREATE POLICY owner_select ON public.conversation_files AS PERMISSIVE FOR SELECT TO authenticated USING ((select auth.uid()) = user_id);
CREATE POLICY owner_insert ON public.conversation_files AS PERMISSIVE FOR INSERT TO authenticated WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY owner_delete ON public.conversation_files AS PERMISSIVE FOR DELETE TO authenticated USING ((select auth.uid()) = user_id);
CREATE POLICY admin_select ON public.conversation_files AS PERMISSIVE FOR SELECT TO domain_admin USING (true);
CREATE POLICY admin_insert ON public.conversation_files AS PERMISSIVE FOR INSERT TO domain_admin WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY admin_delete ON public.conversation_files AS PERMISSIVE FOR DELETE TO domain_admin USING ((select auth.uid()) = user_id);

ALTER TABLE public.provider_file_uploads ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON TABLE public.provider_file_uploads FROM PUBLIC, anon, authenticated, domain_admin, service_role;
GRANT SELECT ON TABLE public.provider_file_uploads TO anon;
GRANT SELECT, INSERT (created_at, expires_at, file_id, id, provider, provider_file_id, purpose, status, user_id) ON TABLE public.provider_file_uploads TO authenticated;
GRANT SELECT, INSERT (created_at, expires_at, file_id, id, provider, provider_file_id, purpose, status, user_id) ON TABLE public.provider_file_uploads TO domain_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.provider_file_uploads TO service_role;
CREATE POLICY owner_select ON public.provider_file_uploads AS PERMISSIVE FOR SELECT TO authenticated USING ((select auth.uid()) = user_id);
CREATE POLICY owner_insert ON public.provider_file_uploads AS PERMISSIVE FOR INSERT TO authenticated WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY admin_select ON public.provider_file_uploads AS PERMISSIVE FOR SELECT TO domain_admin USING (true);
CREATE POLICY admin_insert ON public.provider_file_uploads AS PERMISSIVE FOR INSERT TO domain_admin WITH CHECK ((select auth.uid()) = user_id);
