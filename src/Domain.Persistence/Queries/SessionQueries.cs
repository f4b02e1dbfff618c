using Domain.Sessions;
using Microsoft.EntityFrameworkCore;

namespace Domain.Persistence.Queries;

/// <summary>
/// The hot reads of the Session aggregate as compiled queries: EF translates their LINQ once instead of on every
/// call, which is most of EF's own cost on a short read (measured in docs/benchmarks.md). RLS applies as to any
/// query: the claims interceptors see these commands like every other.
/// </summary>
public static class SessionQueries
{
    private static readonly CompiledPerModel<Func<DomainDbContext, Guid, CancellationToken, Task<Session?>>> ById = new(() =>
        EF.CompileAsyncQuery((DomainDbContext db, Guid id, CancellationToken ct) =>
            db.Sessions.AsNoTracking().SingleOrDefault(s => s.Id == id)));

    private static readonly CompiledPerModel<Func<DomainDbContext, Guid, CancellationToken, Task<Session?>>> AggregateById = new(() =>
        EF.CompileAsyncQuery((DomainDbContext db, Guid id, CancellationToken ct) =>
            db.Sessions.AsNoTracking().AsSplitQuery()
                .Include(s => s.Revisions)
                .Include(s => s.Drafts)
                .Include(s => s.HoleResolutions)
                .SingleOrDefault(s => s.Id == id)));

    private static readonly CompiledPerModel<Func<DomainDbContext, Guid, int, IAsyncEnumerable<Session>>> FirstPage = new(() =>
        EF.CompileAsyncQuery((DomainDbContext db, Guid userId, int size) =>
            db.Sessions.AsNoTracking()
                .Where(s => s.UserId == userId)
                .OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id)
                .Take(size)));

    private static readonly CompiledPerModel<Func<DomainDbContext, Guid, DateTimeOffset, Guid, int, IAsyncEnumerable<Session>>> NextPage = new(() =>
        EF.CompileAsyncQuery((DomainDbContext db, Guid userId, DateTimeOffset createdAt, Guid id, int size) =>
            db.Sessions.AsNoTracking()
                .Where(s => s.UserId == userId
                    && EF.Functions.LessThan(ValueTuple.Create(s.CreatedAt, s.Id), ValueTuple.Create(createdAt, id)))
                .OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id)
                .Take(size)));

    /// <summary>The session <paramref name="id"/> without its children, untracked; null when the caller cannot see it.</summary>
    public static Task<Session?> FindSessionAsync(this DomainDbContext db, Guid id, CancellationToken cancellationToken = default)
        => ById.For(db)(db, id, cancellationToken);

    /// <summary>The session with its revisions, drafts and hole resolutions, untracked; null when the caller cannot see it.</summary>
    public static Task<Session?> LoadSessionAggregateAsync(this DomainDbContext db, Guid id, CancellationToken cancellationToken = default)
        => AggregateById.For(db)(db, id, cancellationToken);

    /// <summary>
    /// One page of <paramref name="userId"/>'s sessions, newest first, by keyset: <paramref name="after"/> is the
    /// (created_at, id) of the last session of the previous page, or null for the first page. The row comparison
    /// lets PostgreSQL start the index scan at the cursor, however deep the page.
    /// </summary>
    public static async Task<List<Session>> SessionPageAsync(
        this DomainDbContext db, Guid userId, int size, (DateTimeOffset CreatedAt, Guid Id)? after = null, CancellationToken cancellationToken = default)
    {
        var rows = after is { } cursor
            ? NextPage.For(db)(db, userId, cursor.CreatedAt, cursor.Id, size)
            : FirstPage.For(db)(db, userId, size);
        var page = new List<Session>(size);
        await foreach (var session in rows.WithCancellation(cancellationToken))
        {
            page.Add(session);
        }

        return page;
    }
}
