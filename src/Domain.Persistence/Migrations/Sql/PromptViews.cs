namespace Domain.Persistence.Migrations.Sql;

/// <summary>
/// The views over prompts, created <c>security_invoker</c>. As with <see cref="SessionViews"/>, a migration that changes
/// one copies the old text into itself first.
/// </summary>
public static class PromptViews
{
    /// <summary>
    /// Every prompt version with how the calls made with it went (seed 004's performance metrics): runs, successes, the
    /// success rate, the median latency, the mean quality score and the newest run. A version without runs has zero
    /// runs and nulls.
    /// </summary>
    public const string VersionResults = """
        SELECT v.id AS prompt_version_id,
               v.prompt_id,
               v.version_number,
               count(r.id) AS runs,
               count(r.id) FILTER (WHERE r.succeeded) AS successes,
               (count(r.id) FILTER (WHERE r.succeeded))::double precision / nullif(count(r.id), 0) AS success_rate,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY r.latency_ms) AS median_latency_ms,
               avg(r.quality_score) AS average_quality_score,
               max(r.occurred_at) AS last_run_at
          FROM public.prompt_versions v
          LEFT JOIN public.prompt_performance r ON r.prompt_version_id = v.id
         GROUP BY v.id, v.prompt_id, v.version_number
        """;
}
