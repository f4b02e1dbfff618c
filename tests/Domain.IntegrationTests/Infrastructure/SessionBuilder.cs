using Domain.Persistence.Rls;
using Domain.Sessions;

namespace Domain.IntegrationTests.Infrastructure;

/// <summary>Arranges data through the model, acting as the owner, so RLS and triggers run as in production.</summary>
public static class SessionBuilder
{
    /// <summary>A session of <paramref name="userId"/> with one revision, one draft and one hole resolution.</summary>
    public static async Task<Session> SessionWithOneOfEachAsync(this MigratedDatabase database, Guid userId, string title = "session")
    {
        var now = TimeProvider.System.GetUtcNow();
        await using var context = database.ContextFor(RlsClaims.ForUser(userId));
        var session = Session.Create(userId, title, null, now);
        session.AddRevision("""{"step":1}""", "first", now);
        session.AddDraft("print(1)", "python", true, """{"errors":[]}""", now);
        session.ResolveHole("?h1", "\"int\"", 0.75, now);
        context.Sessions.Add(session);
        await context.SaveChangesAsync();
        return session;
    }

    /// <summary>A session of <paramref name="userId"/> with one revision, then finalized or archived as asked.</summary>
    public static async Task<Session> SessionInStatusAsync(this MigratedDatabase database, Guid userId, SessionStatus status)
    {
        var now = TimeProvider.System.GetUtcNow();
        await using var context = database.ContextFor(RlsClaims.ForUser(userId));
        var session = Session.Create(userId, status.ToString(), null, now);
        session.AddRevision("""{"step":1}""", "first", now);
        if (status == SessionStatus.Finalized)
        {
            session.FinalizeSession(now);
        }
        else if (status == SessionStatus.Archived)
        {
            session.Archive(now);
        }

        context.Sessions.Add(session);
        await context.SaveChangesAsync();
        return session;
    }
}
