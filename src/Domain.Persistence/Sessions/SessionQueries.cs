using System.Text.Json;
using Domain.Sessions;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Domain.Persistence.Sessions;

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

    /// <summary>
    /// A keyset page, newest first. Without a user id it pages through whatever RLS lets the caller see; without a
    /// cursor it is the first page. EF caches one SQL text per combination of null parameters, so each shape gets a
    /// plan of its own, and the row comparison lets PostgreSQL start the index scan at the cursor, however deep.
    /// </summary>
    private static readonly CompiledPerModel<Func<DomainDbContext, Guid?, SessionStatus?, DateTimeOffset?, Guid?, int, IAsyncEnumerable<Session>>> Page = new(() =>
        EF.CompileAsyncQuery((DomainDbContext db, Guid? userId, SessionStatus? status, DateTimeOffset? createdAt, Guid? id, int size) =>
            db.Sessions.AsNoTracking()
                .Where(s => userId == null || s.UserId == userId)
                .Where(s => status == null || s.Status == status)
                .Where(s => createdAt == null
                    || EF.Functions.LessThan(ValueTuple.Create(s.CreatedAt, s.Id), ValueTuple.Create(createdAt.Value, id!.Value)))
                .OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id)
                .Take(size)));

    /// <summary>
    /// The aggregate as one JSON document built by PostgreSQL: the root and each collection (its own sub-select, so no
    /// row is repeated as in a join), every table read under its own RLS policies. EF's split queries need a round trip
    /// per collection (dotnet/efcore#10878); this needs one.
    /// </summary>
    internal const string SnapshotSql = """
        SELECT json_build_object(
            'id', s.id, 'user_id', s.user_id, 'title', s.title, 'description', s.description, 'status', s.status,
            'current_ir', s.current_ir::text, 'metadata', s.metadata::text, 'last_revision_number', s.last_revision_number,
            'revision_count', s.revision_count, 'draft_count', s.draft_count, 'hole_count', s.hole_count,
            'created_at', s.created_at, 'updated_at', s.updated_at, 'finalized_at', s.finalized_at, 'archived_at', s.archived_at,
            'revisions', coalesce((
                SELECT json_agg(json_build_object(
                           'id', r.id, 'revision_number', r.revision_number, 'ir', r.ir::text,
                           'change_summary', r.change_summary, 'created_at', r.created_at) ORDER BY r.revision_number)
                  FROM public.session_revisions r WHERE r.session_id = s.id), '[]'),
            'drafts', coalesce((
                SELECT json_agg(json_build_object(
                           'id', d.id, 'revision_number', d.revision_number, 'code', d.code, 'language', d.language,
                           'is_valid', d.is_valid, 'validation_details', d.validation_details::text, 'created_at', d.created_at)
                           ORDER BY d.created_at, d.id)
                  FROM public.session_drafts d WHERE d.session_id = s.id), '[]'),
            'hole_resolutions', coalesce((
                SELECT json_agg(json_build_object(
                           'id', h.id, 'hole_id', h.hole_id, 'resolution_value', h.resolution_value::text,
                           'confidence', h.confidence, 'created_at', h.created_at, 'resolved_at', h.resolved_at) ORDER BY h.hole_id)
                  FROM public.hole_resolutions h WHERE h.session_id = s.id), '[]'))::text AS "Value"
          FROM public.sessions s
         WHERE s.id = @id
        """;

    /// <summary>
    /// The session <paramref name="id"/> with its revisions (by number), drafts (oldest first) and hole resolutions
    /// (by hole id) in one statement and one round trip; null when the caller cannot see it. A child the caller
    /// cannot see is left out, as RLS leaves it out of any query. For reading; to change the session, load it.
    /// </summary>
    public static async Task<SessionSnapshot?> LoadSessionSnapshotAsync(this DomainDbContext db, Guid id, CancellationToken cancellationToken = default)
    {
        var documents = await db.Database
            .SqlQueryRaw<string>(SnapshotSql, new NpgsqlParameter("id", NpgsqlDbType.Uuid) { Value = id })
            .ToListAsync(cancellationToken);
        return documents.Count == 0 ? null : JsonSerializer.Deserialize(documents[0], SessionSnapshotJson.Default.SessionSnapshot);
    }

    /// <summary>The session <paramref name="id"/> without its children, untracked; null when the caller cannot see it.</summary>
    public static Task<Session?> FindSessionAsync(this DomainDbContext db, Guid id, CancellationToken cancellationToken = default)
        => ById.For(db)(db, id, cancellationToken);

    /// <summary>The session with its revisions, drafts and hole resolutions, untracked; null when the caller cannot see it.</summary>
    public static Task<Session?> LoadSessionAggregateAsync(this DomainDbContext db, Guid id, CancellationToken cancellationToken = default)
        => AggregateById.For(db)(db, id, cancellationToken);

    /// <summary>
    /// One page of sessions, newest first, by keyset: <paramref name="userId"/>'s, or every session the caller may see
    /// when it is null, in <paramref name="status"/> when given; <paramref name="after"/> is the (created_at, id) of
    /// the last session of the previous page, or null for the first page.
    /// </summary>
    public static async Task<List<Session>> SessionPageAsync(
        this DomainDbContext db, Guid? userId, int size, (DateTimeOffset CreatedAt, Guid Id)? after = null, SessionStatus? status = null,
        CancellationToken cancellationToken = default)
    {
        var page = new List<Session>(size);
        var rows = Page.For(db)(db, userId, status, after?.CreatedAt, after?.Id, size);
        await foreach (var session in rows.WithCancellation(cancellationToken))
        {
            page.Add(session);
        }

        return page;
    }
}
