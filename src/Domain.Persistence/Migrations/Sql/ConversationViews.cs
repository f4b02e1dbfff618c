namespace Domain.Persistence.Migrations.Sql;

/// <summary>
/// The views over conversations and usage from seed 001, created <c>security_invoker</c> so each caller sees only their
/// rows. As with <see cref="SessionViews"/>, a migration that changes one copies the old text into itself first.
/// </summary>
public static class ConversationViews
{
    /// <summary>Seed 001's <c>chat_sessions_summary</c>: conversations with their message counts and token totals.</summary>
    public const string ConversationSummary = """
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
          FROM public.conversations c
        """;

    /// <summary>Seed 001's <c>user_usage_summary</c>: per user and service, calls, tokens and cost.</summary>
    public const string UserUsageSummary = """
        SELECT u.user_id,
               u.service,
               count(*) AS calls,
               sum(u.input_tokens)::bigint AS input_tokens,
               sum(u.output_tokens)::bigint AS output_tokens,
               sum(u.cost_usd) AS cost_usd,
               min(u.occurred_at) AS first_call_at,
               max(u.occurred_at) AS last_call_at
          FROM public.usage_logs u
         GROUP BY u.user_id, u.service
        """;

    /// <summary>
    /// <see cref="ConversationSummary"/> with the usage spent on each conversation (calls and cost, from the usage records
    /// that name it).
    /// </summary>
    public const string ConversationSummaryWithUsage = """
        SELECT c.id,
               c.user_id,
               c.session_id,
               c.title,
               c.message_count,
               c.last_message_at,
               (SELECT coalesce(sum(m.token_count), 0) FROM public.messages m WHERE m.conversation_id = c.id)::bigint AS total_tokens,
               c.archived_at IS NOT NULL AS is_archived,
               c.created_at,
               c.updated_at,
               (SELECT count(*) FROM public.usage_logs u WHERE u.conversation_id = c.id AND u.user_id = c.user_id) AS usage_calls,
               (SELECT coalesce(sum(u.cost_usd), 0) FROM public.usage_logs u WHERE u.conversation_id = c.id AND u.user_id = c.user_id) AS usage_cost_usd
          FROM public.conversations c
        """;

    /// <summary><see cref="UserUsageSummary"/> with how many sessions and conversations the usage was spent on.</summary>
    public const string UserUsageSummaryWithWork = """
        SELECT u.user_id,
               u.service,
               count(*) AS calls,
               sum(u.input_tokens)::bigint AS input_tokens,
               sum(u.output_tokens)::bigint AS output_tokens,
               sum(u.cost_usd) AS cost_usd,
               min(u.occurred_at) AS first_call_at,
               max(u.occurred_at) AS last_call_at,
               count(DISTINCT u.session_id) AS sessions_used,
               count(DISTINCT u.conversation_id) AS conversations_used
          FROM public.usage_logs u
         GROUP BY u.user_id, u.service
        """;
}
