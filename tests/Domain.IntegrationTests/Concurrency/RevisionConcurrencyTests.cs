using System.Collections.Concurrent;
using Domain.Application.Common;
using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence.Errors;
using Domain.Persistence.Rls;
using Domain.Sessions;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace Domain.IntegrationTests.Concurrency;

public sealed class RevisionConcurrencyTests(MigratedDatabase database, ITestOutputHelper output) : DatabaseTest(database)
{
    private const int Writers = 16;

    [Fact]
    public async Task SixteenParallelWriters_WithRetry_AllLand_CounterEqualsRows_NumbersUniqueAndDense()
    {
        var alice = await Database.CreateUserAsync();
        var session = await Database.SessionWithOneOfEachAsync(alice);
        var conflicts = 0;

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await AddRevisionAsync(alice, session.Id, writer);
                    return;
                }
                catch (ConcurrencyConflictException ex) when (ex.IsRetryable && attempt < 100)
                {
                    Interlocked.Increment(ref conflicts);
                }
            }
        })));

        output.WriteLine($"{conflicts} conflicts were retried");
        var numbers = await RevisionNumbersAsync(session.Id);
        Assert.Equal(Enumerable.Range(1, Writers + 1), numbers);
        await AssertCountersExactAsync(session.Id);
    }

    [Fact]
    public async Task SixteenParallelWriters_WithoutRetry_EitherLandOrGetARetryableConflict_NeverCorruption()
    {
        var alice = await Database.CreateUserAsync();
        var session = await Database.SessionWithOneOfEachAsync(alice);
        var failures = new ConcurrentBag<Exception>();
        var landed = 0;

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            try
            {
                await AddRevisionAsync(alice, session.Id, writer);
                Interlocked.Increment(ref landed);
            }
            catch (Exception ex)
            {
                failures.Add(ex);
            }
        })));

        Assert.All(failures, ex => Assert.True(ex is ConcurrencyConflictException { IsRetryable: true }, ex.ToString()));
        Assert.Equal(Writers, landed + failures.Count);
        Assert.True(landed >= 1);
        var numbers = await RevisionNumbersAsync(session.Id);
        Assert.Equal(Enumerable.Range(1, landed + 1), numbers);
        await AssertCountersExactAsync(session.Id);
    }

    [Fact]
    public async Task TwoWritersOfOneSession_SecondGetsRetryableConflict_AndWritesNothing()
    {
        var alice = await Database.CreateUserAsync();
        var session = await Database.SessionWithOneOfEachAsync(alice);
        var now = Clock.GetUtcNow();

        await using var first = Database.ContextFor(RlsClaims.ForUser(alice));
        await using var second = Database.ContextFor(RlsClaims.ForUser(alice));
        var mine = await first.Sessions.SingleAsync();
        var theirs = await second.Sessions.SingleAsync();

        mine.Retitle("first wins", null);
        await first.SaveChangesAsync();

        theirs.Retitle("second loses", null);
        theirs.AddRevision("""{"lost":true}""", null, now);
        var ex = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => second.SaveChangesAsync());

        Assert.True(ex.IsRetryable);
        Assert.Equal("first wins", await Database.ScalarAsync<string>("SELECT title FROM public.sessions WHERE id = @id", ("id", session.Id)));
        Assert.Equal([1], await RevisionNumbersAsync(session.Id));
    }

    [Fact]
    public async Task OneWriterSavingRepeatedly_NeverSeesAFalseConflict()
    {
        var alice = await Database.CreateUserAsync();
        var now = Clock.GetUtcNow();
        await using var db = Database.ContextFor(RlsClaims.ForUser(alice));
        var session = Session.Create(alice, "one writer", null, now);
        db.Sessions.Add(session);
        await db.SaveChangesAsync();

        session.Retitle("renamed", "described");
        await db.SaveChangesAsync();
        session.AddRevision("""{"n":1}""", null, now);
        await db.SaveChangesAsync();
        session.AddRevision("""{"n":2}""", null, now);
        session.AddDraft("code", "python", true, null, now);
        await db.SaveChangesAsync();
        session.ResolveHole("?h", "1", 0.5, now);
        await db.SaveChangesAsync();
        session.ResolveHole("?h", "2", 0.9, now);
        await db.SaveChangesAsync();
        session.FinalizeSession(now);
        await db.SaveChangesAsync();

        Assert.Equal([1, 2], await RevisionNumbersAsync(session.Id));
        await AssertCountersExactAsync(session.Id);
        Assert.Equal("finalized", await Database.ScalarAsync<string>("SELECT status::text FROM public.sessions WHERE id = @id", ("id", session.Id)));
    }

    private async Task AddRevisionAsync(Guid userId, Guid sessionId, int writer)
    {
        await using var db = Database.ContextFor(RlsClaims.ForUser(userId));
        var session = await db.Sessions.SingleOrDefaultAsync(s => s.Id == sessionId) ?? throw new NotFoundException(nameof(Session), sessionId);
        session.AddRevision($$"""{"writer":{{writer}}}""", $"writer {writer}", Clock.GetUtcNow());
        await db.SaveChangesAsync();
    }

    private async Task<List<int>> RevisionNumbersAsync(Guid sessionId)
    {
        await using var db = Database.ContextFor(RlsClaims.Service);
        return await db.SessionRevisions.Where(r => r.SessionId == sessionId).OrderBy(r => r.RevisionNumber).Select(r => r.RevisionNumber).ToListAsync();
    }

    private async Task AssertCountersExactAsync(Guid sessionId)
    {
        var (id, _) = ("id", sessionId);
        Assert.Equal(
            await Database.ScalarAsync<long>("SELECT count(*) FROM public.session_revisions WHERE session_id = @id", (id, sessionId)),
            await Database.ScalarAsync<int>("SELECT revision_count FROM public.sessions WHERE id = @id", (id, sessionId)));
        Assert.Equal(
            await Database.ScalarAsync<long>("SELECT count(*) FROM public.session_drafts WHERE session_id = @id", (id, sessionId)),
            await Database.ScalarAsync<int>("SELECT draft_count FROM public.sessions WHERE id = @id", (id, sessionId)));
        Assert.Equal(
            await Database.ScalarAsync<long>("SELECT count(*) FROM public.hole_resolutions WHERE session_id = @id", (id, sessionId)),
            await Database.ScalarAsync<int>("SELECT hole_count FROM public.sessions WHERE id = @id", (id, sessionId)));
        Assert.Equal(
            await Database.ScalarAsync<int>("SELECT coalesce(max(revision_number), 0) FROM public.session_revisions WHERE session_id = @id", (id, sessionId)),
            await Database.ScalarAsync<int>("SELECT last_revision_number FROM public.sessions WHERE id = @id", (id, sessionId)));
    }
}
