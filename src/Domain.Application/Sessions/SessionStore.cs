using Domain.Application.Common;
using Domain.Persistence;
using Domain.Persistence.Errors;
using Domain.Persistence.Queries;
using Domain.Persistence.Rls;
using Domain.Sessions;
using FluentValidation;
using Mapster;
using Microsoft.EntityFrameworkCore;

namespace Domain.Application.Sessions;

/// <summary>
/// Use cases of the Session aggregate, each acting for one caller. Input is validated before the database is
/// touched (<see cref="ValidationException"/>); a broken invariant throws the domain's exception; database refusals
/// arrive as the data layer's exception types (a concurrent writer: <c>ConcurrencyConflictException</c>, retryable).
/// </summary>
public sealed class SessionStore(
    DomainDbContextFactory contexts,
    TimeProvider clock,
    TypeAdapterConfig mapping,
    IValidator<CreateSessionRequest> createValidator,
    IValidator<AddRevisionRequest> revisionValidator,
    IValidator<AddDraftRequest> draftValidator,
    IValidator<ResolveHoleRequest> holeValidator)
{
    public async Task<SessionDto> CreateAsync(RlsClaims caller, CreateSessionRequest request, CancellationToken cancellationToken = default)
    {
        await createValidator.ValidateAndThrowAsync(request, cancellationToken);
        var userId = RequireUser(caller);

        await using var context = contexts.For(caller);
        var session = Session.Create(userId, request.Title, request.Description, clock.GetUtcNow());
        context.Sessions.Add(session);
        await context.SaveChangesAsync(cancellationToken);
        return session.Adapt<SessionDto>(mapping);
    }

    public async Task<SessionDetailsDto?> GetAsync(RlsClaims caller, Guid sessionId, CancellationToken cancellationToken = default)
    {
        await using var context = contexts.For(caller);
        var snapshot = await context.LoadSessionSnapshotAsync(sessionId, cancellationToken);
        return snapshot?.Adapt<SessionDetailsDto>(mapping);
    }

    /// <summary>
    /// One page of the caller's sessions, newest first, by keyset: pass the last item of a page as
    /// <paramref name="after"/> to get the next.
    /// </summary>
    public async Task<IReadOnlyList<SessionDto>> ListAsync(
        RlsClaims caller, int pageSize = 20, SessionDto? after = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, 200);

        await using var context = contexts.For(caller);
        if (caller.UserId is { } userId)
        {
            var page = await context.SessionPageAsync(userId, pageSize, after is null ? null : (after.CreatedAt, after.Id), cancellationToken);
            return page.Adapt<List<SessionDto>>(mapping);
        }

        // The service role and admins list across users; RLS still decides what they see.
        var query = context.Sessions.AsNoTracking();
        if (after is not null)
        {
            query = query.Where(s => s.CreatedAt < after.CreatedAt || (s.CreatedAt == after.CreatedAt && s.Id.CompareTo(after.Id) < 0));
        }

        return await query.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id).Take(pageSize)
            .ProjectToType<SessionDto>(mapping)
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Appends a revision in one statement and one round trip (<see cref="SessionCommands.AppendRevisionAsync"/>).
    /// When nothing was written, the session is loaded to say why: not found (or not the caller's), the domain's
    /// own error for a session that is not active, or <see cref="RlsViolationException"/> for a session the caller
    /// may read but not change (an admin's view of another user's session).
    /// </summary>
    public async Task<SessionRevisionDto> AddRevisionAsync(
        RlsClaims caller, Guid sessionId, AddRevisionRequest request, CancellationToken cancellationToken = default)
    {
        await revisionValidator.ValidateAndThrowAsync(request, cancellationToken);
        await using var context = contexts.For(caller);
        var now = clock.GetUtcNow();
        var appended = await context.AppendRevisionAsync(sessionId, request.Ir, request.ChangeSummary, now, cancellationToken);
        if (appended is not null)
        {
            return appended.Adapt<SessionRevisionDto>(mapping);
        }

        var session = await FindAsync(context.Sessions.AsNoTracking(), sessionId, cancellationToken);
        session.AddRevision(request.Ir, request.ChangeSummary, now);
        if (caller.UserId is { } userId && session.UserId != userId)
        {
            // Admins read every session but change only their own: the update policy matched no row. Retrying cannot help.
            throw new RlsViolationException(
                $"Session {sessionId} belongs to another user; only its owner may add a revision. Nothing was saved.");
        }

        throw new ConcurrencyConflictException(
            $"Session {sessionId} changed while the revision was being added; nothing was saved. Retry.");
    }

    public async Task<SessionDraftDto> AddDraftAsync(
        RlsClaims caller, Guid sessionId, AddDraftRequest request, CancellationToken cancellationToken = default)
    {
        await draftValidator.ValidateAndThrowAsync(request, cancellationToken);
        await using var context = contexts.For(caller);
        var session = await FindAsync(context.Sessions, sessionId, cancellationToken);
        var draft = session.AddDraft(request.Code, request.Language, request.IsValid, request.ValidationDetails, clock.GetUtcNow());
        await context.SaveChangesAsync(cancellationToken);
        return draft.Adapt<SessionDraftDto>(mapping);
    }

    public async Task<HoleResolutionDto> ResolveHoleAsync(
        RlsClaims caller, Guid sessionId, ResolveHoleRequest request, CancellationToken cancellationToken = default)
    {
        await holeValidator.ValidateAndThrowAsync(request, cancellationToken);
        await using var context = contexts.For(caller);
        var session = await FindAsync(
            context.Sessions.Include(s => s.HoleResolutions.Where(h => h.HoleId == request.HoleId)), sessionId, cancellationToken);
        var resolution = session.ResolveHole(request.HoleId, request.ResolutionValue, request.Confidence, clock.GetUtcNow());
        await context.SaveChangesAsync(cancellationToken);
        return resolution.Adapt<HoleResolutionDto>(mapping);
    }

    public Task<SessionDto> FinalizeAsync(RlsClaims caller, Guid sessionId, CancellationToken cancellationToken = default)
        => ChangeAsync(caller, sessionId, s => s.FinalizeSession(clock.GetUtcNow()), cancellationToken);

    public Task<SessionDto> ArchiveAsync(RlsClaims caller, Guid sessionId, CancellationToken cancellationToken = default)
        => ChangeAsync(caller, sessionId, s => s.Archive(clock.GetUtcNow()), cancellationToken);

    public async Task<SessionDto> RetitleAsync(
        RlsClaims caller, Guid sessionId, CreateSessionRequest request, CancellationToken cancellationToken = default)
    {
        await createValidator.ValidateAndThrowAsync(request, cancellationToken);
        return await ChangeAsync(caller, sessionId, s => s.Retitle(request.Title, request.Description), cancellationToken);
    }

    private async Task<SessionDto> ChangeAsync(RlsClaims caller, Guid sessionId, Action<Session> change, CancellationToken cancellationToken)
    {
        await using var context = contexts.For(caller);
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

    private static Guid RequireUser(RlsClaims caller)
    {
        return caller.UserId ?? throw new ValidationException($"Only a signed-in user can own a session; the caller is {caller.Role}.");
    }
}
