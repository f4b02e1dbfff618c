DO $rt$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_publication_tables
               WHERE pubname = 'supabase_realtime' AND schemaname = 'public' AND tablename = 'conversation_files') THEN
        ALTER PUBLICATION supabase_realtime DROP TABLE public.conversation_files;
    END IF;
END
$rt$;

DO $rt$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_publication_tables
               WHERE pubname = 'supabase_realtime' AND schemaname = 'public' AND tablename = 'files') THEN
        ALTER PUBLICATION supabase_realtime DROP TABLE public.files;
    END IF;
END
$rt$;

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
  FROM public.hole_resolutions h;
REVOKE ALL ON TABLE public.recent_activity FROM PUBLIC;
GRANT SELECT ON TABLE public.recent_activity TO anon, authenticated, service_role;
GRANT SELECT ON TABLE public.recent_activity TO domain_admin;

DROP VIEW IF EXISTS public.user_analytics;

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
GRANT SELECT ON TABLE public.user_analytics TO domain_admin;

REVOKE ALL ON TABLE domain_ops.file_deletion_jobs FROM service_role;
REVOKE USAGE ON SCHEMA domain_ops FROM service_role;

DROP TRIGGER IF EXISTS trg_file_deletion_jobs_updated_at ON domain_ops.file_deletion_jobs;
DROP TRIGGER IF EXISTS trg_file_deletion_jobs_finish ON domain_ops.file_deletion_jobs;
DROP TRIGGER IF EXISTS trg_provider_file_uploads_file_in_use ON public.provider_file_uploads;
DROP TRIGGER IF EXISTS trg_files_updated_at ON public.files;
DROP TRIGGER IF EXISTS trg_files_queue_deletion_on_delete ON public.files;
DROP TRIGGER IF EXISTS trg_files_queue_deletion ON public.files;
DROP TRIGGER IF EXISTS trg_files_status ON public.files;
DROP FUNCTION IF EXISTS domain_private.finish_file_deletion();
DROP FUNCTION IF EXISTS domain_private.guard_provider_upload();
DROP FUNCTION IF EXISTS domain_private.queue_file_deletion();
DROP FUNCTION IF EXISTS domain_private.guard_file_status();

ALTER TABLE public.files DROP CONSTRAINT IF EXISTS fk_files_auth_users;

DROP TABLE public.conversation_files;

DROP TABLE domain_ops.file_deletion_jobs;

DROP TABLE public.provider_file_uploads;

DROP TABLE public.files;

DROP TYPE domain_ops.file_deletion_job_status;
DROP TYPE domain_ops.file_location;
DROP TYPE public.file_status;
DROP TYPE public.file_type;
DROP TYPE public.provider_upload_status;
