namespace Domain.Persistence.Migrations.Sql;

/// <summary>
/// The analytics views of seed 002, created <c>security_invoker</c> so each caller sees only their rows. A
/// migration that changes one copies the old text into itself first: the migration must keep meaning what it
/// meant when it was applied.
/// </summary>
public static class SessionViews
{
    public const string SessionSummary = """
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
          FROM public.sessions s
        """;

    public const string UserAnalytics = """
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
         GROUP BY s.user_id
        """;

    public const string RecentActivity = """
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
        """;

    public const string DraftValidationStats = """
        SELECT d.user_id,
               d.language,
               count(*) AS total_drafts,
               count(*) FILTER (WHERE d.is_valid) AS valid_drafts,
               round(100.0 * count(*) FILTER (WHERE d.is_valid) / count(*), 2) AS success_rate_percent
          FROM public.session_drafts d
         GROUP BY d.user_id, d.language
        """;
}
