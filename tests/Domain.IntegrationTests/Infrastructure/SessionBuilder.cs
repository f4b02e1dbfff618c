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

    /// <summary>
    /// A session with four revisions, three drafts (one without validation details) and three hole resolutions,
    /// whose text holds what JSON must escape, added out of the orders the snapshot lists them in.
    /// </summary>
    public static async Task<Guid> RichSessionAsync(this MigratedDatabase database, Guid userId)
    {
        var now = TimeProvider.System.GetUtcNow();
        var session = Session.Create(userId, "quotes \" and \\ back\\slash, zoë 例え, tab\tnew\nline", "a \"described\" session", now);
        session.ReplaceMetadata("""{"tags":["a","b"],"nested":{"x":1.5}}""");
        session.AddRevision("""{"step":1,"text":"line\nbreak"}""", "first \"one\"", now);
        session.AddDraft("print(\"one\")", "python", true, """{"errors":[],"score":0.5}""", now.AddSeconds(2));
        session.AddRevision("""{"step":2}""", null, now.AddSeconds(1));
        session.AddDraft("console.log('two')", "javascript", false, null, now.AddSeconds(1));
        session.ResolveHole("?zeta", "\"last\"", 0.25, now);
        session.ResolveHole("?alpha", """{"v":[1,2,3]}""", 1.0, now);
        session.AddRevision("""{"step":3,"unicode":"ünï"}""", "third", now.AddSeconds(2));
        session.ResolveHole("?mid", "null", 0.0, now);
        session.AddDraft("fn main() {}", "rust", true, """{"errors":["none"]}""", now);
        session.AddRevision("""{"step":4}""", "fourth", now.AddSeconds(3));

        await using var db = database.ContextFor(RlsClaims.ForUser(userId));
        db.Sessions.Add(session);
        await db.SaveChangesAsync();
        return session.Id;
    }
}
