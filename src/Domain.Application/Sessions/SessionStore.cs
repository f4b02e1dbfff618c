using Domain.Application.Common;
using Domain.Persistence;
using Domain.Persistence.Errors;
using Domain.Persistence.Sessions;
using Domain.Sessions;
using FluentValidation;
using Mapster;
using Microsoft.EntityFrameworkCore;

namespace Domain.Application.Sessions;

/// <summary>
/// Use cases of the Session aggregate, each acting for one caller (<see cref="RequestPipeline"/> validates the request
/// before the database is touched and gives the operation a context acting for the caller; the reads, <c>Get…</c> and
/// <c>List…</c>, a read-only one, which reads from the read replica when one is configured). Invalid input is a
/// <see cref="ValidationException"/>; a broken invariant throws the domain's exception; database refusals arrive as the
/// data layer's exception types (a concurrent writer: <c>ConcurrencyConflictException</c>, retryable).
/// </summary>
public sealed class SessionStore(RequestPipeline pipeline, TimeProvider clock, TypeAdapterConfig mapping)
{
    public Task<SessionDto> CreateAsync(Caller caller, CreateSessionRequest request, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, request, async (context, r, ct) =>
        {
            var session = Session.Create(RequireUser(caller), r.Title, r.Description, clock.GetUtcNow());
            context.Sessions.Add(session);
            await context.SaveChangesAsync(ct);
            return session.Adapt<SessionDto>(mapping);
        }, cancellationToken);

    /// <summary>The session with its children, read in one round trip; null when it does not exist or the caller may not see it.</summary>
    public Task<SessionDetailsDto?> GetAsync(Caller caller, Guid sessionId, CancellationToken cancellationToken = default)
        => pipeline.ReadAsync(caller, async (context, ct) =>
        {
            var snapshot = await context.LoadSessionSnapshotAsync(sessionId, ct);
            return snapshot?.Adapt<SessionDetailsDto>(mapping);
        }, cancellationToken);

    /// <summary>
    /// One page of sessions, newest first, by keyset: pass the last item of a page as <see cref="ListSessionsRequest.After"/>
    /// to get the next. A user pages through their own sessions; admins and the service role through every session
    /// RLS lets them see.
    /// </summary>
    public Task<IReadOnlyList<SessionDto>> ListAsync(Caller caller, ListSessionsRequest request, CancellationToken cancellationToken = default)
        => pipeline.ReadAsync(caller, request, async (context, r, ct) =>
        {
            var page = await context.SessionPageAsync(caller.UserId, r.PageSize, r.After is { } after ? (after.CreatedAt, after.Id) : null, r.Status, ct);
            return (IReadOnlyList<SessionDto>)page.Adapt<List<SessionDto>>(mapping);
        }, cancellationToken);

    /// <summary>
    /// Appends a revision in one statement and one round trip (<see cref="SessionCommands.AppendRevisionAsync"/>).
    /// When nothing was written, the session is loaded to say why: not found (or not the caller's), the domain's
    /// own error for a session that is not active, or <see cref="RlsViolationException"/> for a session the caller
    /// may read but not change (an admin's view of another user's session).
    /// </summary>
    public Task<SessionRevisionDto> AddRevisionAsync(
        Caller caller, Guid sessionId, AddRevisionRequest request, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, request, async (context, r, ct) =>
        {
            var now = clock.GetUtcNow();
            var appended = await context.AppendRevisionAsync(sessionId, r.Ir, r.ChangeSummary, now, ct);
            if (appended is not null)
            {
                return appended.Adapt<SessionRevisionDto>(mapping);
            }

            var session = await FindAsync(context.Sessions.AsNoTracking(), sessionId, ct);
            session.AddRevision(r.Ir, r.ChangeSummary, now);
            if (caller.UserId is { } userId && session.UserId != userId)
            {
                // Admins read every session but change only their own: the update policy matched no row. Retrying cannot help.
                throw new RlsViolationException(
                    $"Session {sessionId} belongs to another user; only its owner may add a revision. Nothing was saved.");
            }

            throw new ConcurrencyConflictException(
                $"Session {sessionId} changed while the revision was being added; nothing was saved. Retry.");
        }, cancellationToken);

    public Task<SessionDraftDto> AddDraftAsync(Caller caller, Guid sessionId, AddDraftRequest request, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, request, async (context, r, ct) =>
        {
            var session = await FindAsync(context.Sessions, sessionId, ct);
            var draft = session.AddDraft(r.Code, r.Language, r.IsValid, r.ValidationDetails, clock.GetUtcNow());
            await context.SaveChangesAsync(ct);
            return draft.Adapt<SessionDraftDto>(mapping);
        }, cancellationToken);

    public Task<HoleResolutionDto> ResolveHoleAsync(
        Caller caller, Guid sessionId, ResolveHoleRequest request, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, request, async (context, r, ct) =>
        {
            var session = await FindAsync(context.Sessions.Include(s => s.HoleResolutions.Where(h => h.HoleId == r.HoleId)), sessionId, ct);
            var resolution = session.ResolveHole(r.HoleId, r.ResolutionValue, r.Confidence, clock.GetUtcNow());
            await context.SaveChangesAsync(ct);
            return resolution.Adapt<HoleResolutionDto>(mapping);
        }, cancellationToken);

    /// <summary>The session's summary from the <c>session_summary</c> view; null when it does not exist or the caller may not see it.</summary>
    public Task<SessionSummaryDto?> GetSummaryAsync(Caller caller, Guid sessionId, CancellationToken cancellationToken = default)
        => pipeline.ReadAsync(caller, async (context, ct) =>
            (await context.SessionSummaries.SingleOrDefaultAsync(s => s.Id == sessionId, ct))?.Adapt<SessionSummaryDto>(mapping), cancellationToken);

    /// <summary>The session's metadata (a JSON object); null when the session does not exist or the caller may not see it.</summary>
    public Task<string?> GetMetadataAsync(Caller caller, Guid sessionId, CancellationToken cancellationToken = default)
        => pipeline.ReadAsync(caller, (context, ct) =>
            context.Sessions.Where(s => s.Id == sessionId).Select(s => (string?)s.Metadata).SingleOrDefaultAsync(ct), cancellationToken);

    public Task<SessionDto> ReplaceMetadataAsync(
        Caller caller, Guid sessionId, ReplaceSessionMetadataRequest request, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, request, (context, r, ct) => ChangeAsync(context, sessionId, s => s.ReplaceMetadata(r.Metadata), ct), cancellationToken);

    /// <summary>
    /// Deletes the session with its revisions, drafts and hole resolutions. Conversations that worked on it stay and
    /// lose the link (their <c>session_id</c> becomes null), and so do the usage records spent on it. False when the
    /// caller has no such session.
    /// </summary>
    public Task<bool> DeleteAsync(Caller caller, Guid sessionId, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, async (context, ct) => !caller.IsAnonymous && await context.Sessions.Where(s => s.Id == sessionId).ExecuteDeleteAsync(ct) == 1, cancellationToken);

    /// <summary>Archives the given sessions that are the caller's and not archived yet, in one statement; returns how many.</summary>
    public Task<int> ArchiveManyAsync(Caller caller, SessionIdsRequest request, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, request, (context, r, ct) =>
        {
            if (caller.IsAnonymous)
            {
                // anon holds no write grant, so PostgreSQL would refuse the statement; anon owns nothing to change.
                return Task.FromResult(0);
            }

            var now = clock.GetUtcNow();
            return context.Sessions.Where(s => r.Ids.Contains(s.Id) && s.Status != SessionStatus.Archived)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, SessionStatus.Archived).SetProperty(s => s.ArchivedAt, now), ct);
        }, cancellationToken);

    /// <summary>Deletes the given sessions that are the caller's, as <see cref="DeleteAsync"/> does, in one statement; returns how many.</summary>
    public Task<int> DeleteManyAsync(Caller caller, SessionIdsRequest request, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, request, (context, r, ct) => caller.IsAnonymous ? Task.FromResult(0) : context.Sessions.Where(s => r.Ids.Contains(s.Id)).ExecuteDeleteAsync(ct), cancellationToken);

    public Task<SessionDto> FinalizeAsync(Caller caller, Guid sessionId, CancellationToken cancellationToken = default)
        => ChangeAsync(caller, sessionId, s => s.FinalizeSession(clock.GetUtcNow()), cancellationToken);

    public Task<SessionDto> ArchiveAsync(Caller caller, Guid sessionId, CancellationToken cancellationToken = default)
        => ChangeAsync(caller, sessionId, s => s.Archive(clock.GetUtcNow()), cancellationToken);

    public Task<SessionDto> RetitleAsync(Caller caller, Guid sessionId, RetitleSessionRequest request, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, request, (context, r, ct) => ChangeAsync(context, sessionId, s => s.Retitle(r.Title, r.Description), ct), cancellationToken);

    private Task<SessionDto> ChangeAsync(Caller caller, Guid sessionId, Action<Session> change, CancellationToken cancellationToken)
        => pipeline.RunAsync(caller, (context, ct) => ChangeAsync(context, sessionId, change, ct), cancellationToken);

    private async Task<SessionDto> ChangeAsync(DomainDbContext context, Guid sessionId, Action<Session> change, CancellationToken cancellationToken)
    {
        var session = await FindAsync(context.Sessions, sessionId, cancellationToken);
        change(session);
        await context.SaveChangesAsync(cancellationToken);
        return session.Adapt<SessionDto>(mapping);
    }

    private static async Task<Session> FindAsync(IQueryable<Session> sessions, Guid sessionId, CancellationToken cancellationToken)
    {
        return await sessions.SingleOrDefaultAsync(s => s.Id == sessionId, cancellationToken)
            ?? throw new NotFoundException(nameof(Session), sessionId);
    }

    private static Guid RequireUser(Caller caller)
    {
        return caller.UserId ?? throw new ValidationException($"Only a signed-in user can own a session; the caller is {caller}.");
    }
}
