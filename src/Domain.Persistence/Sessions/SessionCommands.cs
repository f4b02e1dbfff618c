using Domain.Persistence.Errors;
using Domain.Persistence.Rls;
using Domain.Sessions;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Domain.Persistence.Sessions;

/// <summary>A revision appended by <see cref="SessionCommands.AppendRevisionAsync"/>.</summary>
public sealed record AppendedRevision(Guid Id, Guid SessionId, int RevisionNumber, string Ir, string? ChangeSummary, DateTimeOffset CreatedAt);

/// <summary>
/// Writes of the Session aggregate that do not need the aggregate in memory, each one statement and one round trip.
/// They go through EF's raw SQL path, so the claims interceptors prepend the caller's claims as to every command
/// and RLS decides, exactly as for SaveChanges.
/// </summary>
public static class SessionCommands
{
    /// <summary>
    /// Takes the next number on an active session and inserts the revision in the same statement. The session row's
    /// lock orders concurrent appends, so they never collide; the update policy (owner only) and the <c>status</c>
    /// condition decide whether anything is written at all.
    /// </summary>
    private const string AppendRevisionSql = """
        WITH s AS (
            UPDATE public.sessions
               SET last_revision_number = last_revision_number + 1, current_ir = @ir
             WHERE id = @session_id AND status = 'active'
         RETURNING id, user_id, last_revision_number)
        INSERT INTO public.session_revisions (id, session_id, user_id, revision_number, ir, change_summary, created_at)
        SELECT @id, s.id, s.user_id, s.last_revision_number, @ir, @change_summary, @created_at FROM s
        RETURNING revision_number AS "Value"
        """;

    /// <summary>
    /// Appends a revision to session <paramref name="sessionId"/> as <see cref="Session.AddRevision"/> would (same
    /// checks, next number, current IR follows), without loading the session: one round trip instead of four.
    /// Returns null, having written nothing, when the caller cannot change the session (anon never can; nothing is
    /// sent) or it is not active; the caller decides which error that is (see <c>SessionStore.AddRevisionAsync</c>).
    /// </summary>
    /// <exception cref="Domain.Common.DomainException">The IR or the summary breaks the model's rules; nothing was sent.</exception>
    public static async Task<AppendedRevision?> AppendRevisionAsync(
        this DomainDbContext db, Guid sessionId, string irJson, string? changeSummary, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var (ir, summary) = SessionRevision.Validate(irJson, changeSummary);
        if (db.Claims.Role == RlsClaims.AnonRole)
        {
            // anon holds no write grant on these tables, so PostgreSQL would refuse the whole statement (42501) instead
            // of matching no row. anon can change no session, which is what null says.
            return null;
        }

        var id = Guid.CreateVersion7(now);
        List<int> numbers;
        try
        {
            numbers = await db.Database.SqlQueryRaw<int>(
                    AppendRevisionSql,
                    new NpgsqlParameter("session_id", NpgsqlDbType.Uuid) { Value = sessionId },
                    new NpgsqlParameter("ir", NpgsqlDbType.Jsonb) { Value = ir },
                    new NpgsqlParameter("id", NpgsqlDbType.Uuid) { Value = id },
                    new NpgsqlParameter("change_summary", NpgsqlDbType.Varchar) { Value = (object?)summary ?? DBNull.Value },
                    new NpgsqlParameter("created_at", NpgsqlDbType.TimestampTz) { Value = now.ToUniversalTime() })
            .ToListAsync(cancellationToken);
        }
        catch (PostgresException ex) when (DatabaseErrorTranslator.Translate(ex) is { } translated)
        {
            throw translated;
        }

        return numbers.Count == 0 ? null : new AppendedRevision(id, sessionId, numbers[0], ir, summary, now);
    }
}
