using Domain.Sessions;

namespace Domain.Application.Sessions;

/// <summary>Input to start a session.</summary>
public sealed record CreateSessionRequest(string Title, string? Description);

/// <summary>Input to rename a session and replace its description.</summary>
public sealed record RetitleSessionRequest(string Title, string? Description);

/// <summary>Where a page of sessions starts: after the session with this creation time and id (the last of the previous page).</summary>
public sealed record SessionCursor(DateTimeOffset CreatedAt, Guid Id);

/// <summary>
/// Input to list sessions: the page size, for every page but the first where it starts, and optionally only the
/// sessions in one status.
/// </summary>
public sealed record ListSessionsRequest(int PageSize = ListSessionsRequest.DefaultPageSize, SessionCursor? After = null, SessionStatus? Status = null)
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 200;

    /// <summary>The request for the page after <paramref name="last"/>, the last session of the previous page.</summary>
    public static ListSessionsRequest NextPage(SessionDto last, int pageSize = DefaultPageSize, SessionStatus? status = null)
        => new(pageSize, new SessionCursor(last.CreatedAt, last.Id), status);
}

/// <summary>Input to replace a session's metadata: a JSON object.</summary>
public sealed record ReplaceSessionMetadataRequest(string Metadata);

/// <summary>Input to archive or delete many of the caller's sessions at once (one statement; RLS limits it to theirs).</summary>
public sealed record SessionIdsRequest(IReadOnlyList<Guid> Ids)
{
    public const int MaxIds = 1_000;
}

/// <summary>Input to add a revision: the new IR as a JSON object.</summary>
public sealed record AddRevisionRequest(string Ir, string? ChangeSummary);

/// <summary>Input to record a generated draft and its validation outcome.</summary>
public sealed record AddDraftRequest(string Code, string Language, bool IsValid, string? ValidationDetails);

/// <summary>Input to resolve a typed hole.</summary>
public sealed record ResolveHoleRequest(string HoleId, string ResolutionValue, double Confidence);

/// <summary>A session as callers see it, without its children.</summary>
public sealed record SessionDto(
    Guid Id,
    Guid UserId,
    string Title,
    string? Description,
    SessionStatus Status,
    string? CurrentIr,
    int RevisionCount,
    int DraftCount,
    int HoleCount,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinalizedAt,
    DateTimeOffset? ArchivedAt);

public sealed record SessionRevisionDto(Guid Id, int RevisionNumber, string Ir, string? ChangeSummary, DateTimeOffset CreatedAt);

public sealed record SessionDraftDto(
    Guid Id, int RevisionNumber, string Code, string Language, bool IsValid, string? ValidationDetails, DateTimeOffset CreatedAt);

public sealed record HoleResolutionDto(Guid Id, string HoleId, string ResolutionValue, double Confidence, DateTimeOffset ResolvedAt);

/// <summary>A session with its revisions, drafts and hole resolutions.</summary>
public sealed record SessionDetailsDto(
    SessionDto Session,
    IReadOnlyList<SessionRevisionDto> Revisions,
    IReadOnlyList<SessionDraftDto> Drafts,
    IReadOnlyList<HoleResolutionDto> HoleResolutions);

/// <summary>A session's summary (seed 002's <c>get_session_summary</c>): its counts, valid drafts and mean hole confidence.</summary>
public sealed record SessionSummaryDto(
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
