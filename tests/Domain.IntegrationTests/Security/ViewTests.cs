using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence.Rls;
using Domain.Sessions;
using Microsoft.EntityFrameworkCore;

namespace Domain.IntegrationTests.Security;

/// <summary>The analytics views run with the caller's rights (security_invoker) and count correctly.</summary>
public sealed class ViewTests(MigratedDatabase database) : DatabaseTest(database)
{
    private sealed record SummaryRow(Guid UserId, int RevisionCount, int DraftCount, int HoleCount, long ValidDraftCount, double? AverageConfidence);

    private sealed record AnalyticsRow(Guid UserId, long SessionCount, long FinalizedSessions, long TotalRevisions, long TotalDrafts, long TotalHoles);

    private sealed record DraftStatsRow(Guid UserId, string Language, long TotalDrafts, long ValidDrafts, decimal SuccessRatePercent);

    [Fact]
    public async Task Views_ShowEachCallerOnlyTheirRows_WithCorrectNumbers()
    {
        var alice = await Database.CreateUserAsync();
        var bob = await Database.CreateUserAsync();
        await ArrangeAliceAsync(alice);
        await Database.SessionWithOneOfEachAsync(bob);

        await using (var db = Database.ContextFor(RlsClaims.ForUser(alice)))
        {
            var summaries = await db.Database.SqlQueryRaw<SummaryRow>(
                "SELECT user_id, revision_count, draft_count, hole_count, valid_draft_count, average_confidence FROM public.session_summary").ToListAsync();
            Assert.Equal(2, summaries.Count);
            Assert.All(summaries, s => Assert.Equal(alice, s.UserId));
            var busy = summaries.Single(s => s.RevisionCount == 2);
            Assert.Equal((2, 2, 1L, 0.5), (busy.DraftCount, busy.HoleCount, busy.ValidDraftCount, busy.AverageConfidence!.Value));

            var analytics = await db.Database.SqlQueryRaw<AnalyticsRow>(
                "SELECT user_id, session_count, finalized_sessions, total_revisions, total_drafts, total_holes FROM public.user_analytics").SingleAsync();
            Assert.Equal(new AnalyticsRow(alice, 2, 1, 3, 2, 2), analytics);

            var stats = await db.Database.SqlQueryRaw<DraftStatsRow>(
                "SELECT user_id, language, total_drafts, valid_drafts, success_rate_percent FROM public.draft_validation_stats").SingleAsync();
            Assert.Equal(new DraftStatsRow(alice, "python", 2, 1, 50.00m), stats);

            var activity = await db.Database.SqlQueryRaw<Guid>("SELECT user_id AS \"Value\" FROM public.recent_activity").ToListAsync();
            Assert.Equal(7, activity.Count);
            Assert.All(activity, id => Assert.Equal(alice, id));
        }

        foreach (var view in new[] { "session_summary", "user_analytics", "recent_activity", "draft_validation_stats" })
        {
            Assert.Equal(0, await CountAsync(RlsClaims.Anonymous, view));
            Assert.True(await CountAsync(RlsClaims.Service, view) > await CountAsync(RlsClaims.ForUser(alice), view), view);
            Assert.True(await CountAsync(RlsClaims.ForUser(bob), view) > 0, view);
        }
    }

    private async Task ArrangeAliceAsync(Guid alice)
    {
        var now = Clock.GetUtcNow();
        await using var db = Database.ContextFor(RlsClaims.ForUser(alice));
        var busy = Session.Create(alice, "busy", null, now);
        busy.AddRevision("""{"v":1}""", null, now);
        busy.AddRevision("""{"v":2}""", null, now);
        busy.AddDraft("ok", "python", true, null, now);
        busy.AddDraft("broken", "python", false, """{"errors":["E1"]}""", now);
        busy.ResolveHole("?a", "1", 0.25, now);
        busy.ResolveHole("?b", "2", 0.75, now);
        var done = Session.Create(alice, "done", null, now);
        done.AddRevision("""{"v":1}""", null, now);
        done.FinalizeSession(now);
        db.Sessions.AddRange(busy, done);
        await db.SaveChangesAsync();
    }

    private async Task<int> CountAsync(RlsClaims caller, string view)
    {
        await using var db = Database.ContextFor(caller);
#pragma warning disable EF1002 // the view name comes from a fixed list above
        return await db.Database.SqlQueryRaw<int>($"SELECT count(*)::int AS \"Value\" FROM public.{view}").SingleAsync();
#pragma warning restore EF1002
    }
}
