using Domain.Sessions;

namespace Domain.Persistence.Views;

/// <summary>A row of <c>session_summary</c>: a session with its counts, valid drafts and mean hole confidence.</summary>
public sealed record SessionSummaryRow(
    Guid Id,
    Guid UserId,
    string Title,
    SessionStatus Status,
    int RevisionCount,
    int DraftCount,
    int HoleCount,
    long ValidDraftCount,
    double? AverageConfidence,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>
/// A row of <c>user_analytics</c>: one user's sessions by status and their totals, and their files in use (uploaded or
/// ready): how many, their bytes and the newest upload. <see cref="LastActivityAt"/> is the newest session change or upload.
/// </summary>
public sealed record UserAnalyticsRow(
    Guid UserId,
    long SessionCount,
    long ActiveSessions,
    long FinalizedSessions,
    long ArchivedSessions,
    long TotalRevisions,
    long TotalDrafts,
    long TotalHoles,
    DateTimeOffset? FirstSessionAt,
    DateTimeOffset? LastActivityAt,
    long FileCount,
    long FileBytes,
    DateTimeOffset? LastUploadAt);

/// <summary>
/// A row of <c>recent_activity</c>: one revision, draft, hole resolution, file upload or file deletion request,
/// described. A file's activity has the file's id as <see cref="ActivityId"/> and no session.
/// </summary>
public sealed record RecentActivityRow(
    string ActivityType,
    Guid ActivityId,
    Guid? SessionId,
    Guid UserId,
    DateTimeOffset OccurredAt,
    string Summary);

/// <summary>A row of <c>draft_validation_stats</c>: per user and language, drafts and how many were valid.</summary>
public sealed record DraftValidationStatsRow(
    Guid UserId,
    string Language,
    long TotalDrafts,
    long ValidDrafts,
    decimal SuccessRatePercent);

/// <summary>A row of <c>conversation_summary</c>: a conversation with its counts, tokens and the usage spent on it.</summary>
public sealed record ConversationSummaryRow(
    Guid Id,
    Guid UserId,
    Guid? SessionId,
    string Title,
    int MessageCount,
    DateTimeOffset? LastMessageAt,
    long TotalTokens,
    bool IsArchived,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long UsageCalls,
    decimal UsageCostUsd);

/// <summary>A row of <c>user_usage_summary</c>: per user and service, calls, tokens, cost and the work they were spent on.</summary>
public sealed record UserUsageSummaryRow(
    Guid UserId,
    string Service,
    long Calls,
    long InputTokens,
    long OutputTokens,
    decimal CostUsd,
    DateTimeOffset FirstCallAt,
    DateTimeOffset LastCallAt,
    long SessionsUsed,
    long ConversationsUsed);

/// <summary>
/// A row of <c>prompt_version_results</c>: one prompt version and how the calls made with it went (seed 004's
/// performance metrics). Every version has a row; one without calls has zero runs and null rates.
/// </summary>
/// <param name="PromptVersionId">The version.</param>
/// <param name="PromptId">Its prompt.</param>
/// <param name="VersionNumber">Its number within the prompt.</param>
/// <param name="Runs">Calls recorded with it.</param>
/// <param name="Successes">How many of them succeeded.</param>
/// <param name="SuccessRate">Successes over runs, 0 to 1; null without runs.</param>
/// <param name="MedianLatencyMs">The median latency of its calls; null without runs.</param>
/// <param name="AverageQualityScore">The mean of the quality scores given; null when none was.</param>
/// <param name="LastRunAt">The newest call; null without runs.</param>
public sealed record PromptVersionResultRow(
    Guid PromptVersionId,
    Guid PromptId,
    int VersionNumber,
    long Runs,
    long Successes,
    double? SuccessRate,
    double? MedianLatencyMs,
    double? AverageQualityScore,
    DateTimeOffset? LastRunAt);
