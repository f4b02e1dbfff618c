namespace Domain.Persistence.Migrations.Sql;

/// <summary>
/// The analytics views of <see cref="SessionViews"/> that include files, created <c>security_invoker</c> like them. The
/// texts they replace stay in <see cref="SessionViews"/> for the migrations that created them.
/// </summary>
public static class FileViews
{
    /// <summary>
    /// <see cref="SessionViews.UserAnalytics"/> with each user's files in use (uploaded or ready: how many, their bytes,
    /// the newest upload), for users with sessions, files or both; the last activity is the newest of either.
    /// </summary>
    public const string UserAnalyticsWithFiles = """
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
          FROM s FULL JOIN f USING (user_id)
        """;

    /// <summary>
    /// <see cref="SessionViews.RecentActivity"/> with files uploaded and files whose deletion was requested; a file's
    /// activity has no session (<c>session_id</c> null) and its id as <c>activity_id</c>.
    /// </summary>
    public const string RecentActivityWithFiles = """
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
         WHERE f.deletion_requested_at IS NOT NULL
        """;
}
