using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence;
using Domain.Persistence.Sessions;
using Domain.Persistence.Rls;
using Domain.Sessions;
using Microsoft.EntityFrameworkCore;

namespace Domain.IntegrationTests.Sessions;

public sealed class SessionQueriesTests(MigratedDatabase database) : DatabaseTest(database)
{
    private const int AliceSessions = 45;
    private const int PageSize = 20;

    /// <summary>Three sessions share each created_at, so a page boundary falls inside a group of equal timestamps.</summary>
    private const int SessionsPerTimestamp = 3;

    private static readonly DateTimeOffset Start = new(2026, 11, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task FindSession_OwnSession_ReturnsItAsStored_WithoutChildren_Untracked()
    {
        var alice = await Database.CreateUserAsync();
        var session = await Database.SessionWithOneOfEachAsync(alice, "mine");

        await using var db = Database.ContextFor(RlsClaims.ForUser(alice));
        var found = await db.FindSessionAsync(session.Id);

        Assert.NotNull(found);
        Assert.Equal((session.Id, alice, "mine", SessionStatus.Active), (found.Id, found.UserId, found.Title, found.Status));
        Assert.Equal((1, 1, 1, 1), (found.LastRevisionNumber, found.RevisionCount, found.DraftCount, found.HoleCount));
        Assert.True(StoredRows.SameJson("""{"step":1}""", found.CurrentIr), found.CurrentIr);
        Assert.Empty(found.Revisions);
        Assert.Empty(db.ChangeTracker.Entries());
    }

    [Theory]
    [InlineData("another user")]
    [InlineData("anon")]
    public async Task FindAndLoadSession_OfSessionTheCallerCannotSee_ReturnNull(string caller)
    {
        var alice = await Database.CreateUserAsync();
        var bob = await Database.CreateUserAsync();
        var session = await Database.SessionWithOneOfEachAsync(alice);

        await using var db = Database.ContextFor(caller == "anon" ? RlsClaims.Anonymous : RlsClaims.ForUser(bob));

        Assert.Null(await db.FindSessionAsync(session.Id));
        Assert.Null(await db.LoadSessionAggregateAsync(session.Id));
    }

    [Fact]
    public async Task FindSession_Missing_ReturnsNull()
    {
        var alice = await Database.CreateUserAsync();

        await using var db = Database.ContextFor(RlsClaims.ForUser(alice));

        Assert.Null(await db.FindSessionAsync(Guid.CreateVersion7()));
    }

    [Fact]
    public async Task LoadSessionAggregate_ReturnsEveryRevisionDraftAndHoleResolution_OfThatSessionOnly()
    {
        var alice = await Database.CreateUserAsync();
        var admin = await Database.CreateUserAsync();
        var session = await Database.SessionWithOneOfEachAsync(alice);
        await Database.SessionWithOneOfEachAsync(alice, "other");
        await Database.SessionWithOneOfEachAsync(await Database.CreateUserAsync(), "bob's");
        await using (var db = Database.ContextFor(RlsClaims.ForUser(alice)))
        {
            var now = Clock.GetUtcNow();
            var tracked = await db.Sessions.Include(s => s.HoleResolutions).SingleAsync(s => s.Id == session.Id);
            tracked.AddRevision("""{"step":2}""", "second", now);
            tracked.AddRevision("""{"step":3}""", null, now);
            tracked.AddDraft("print(3)", "python", false, null, now);
            tracked.ResolveHole("?h2", "true", 1.0, now);
            tracked.ResolveHole("?h3", "null", 0.0, now);
            await db.SaveChangesAsync();
        }

        foreach (var caller in new[] { RlsClaims.ForUser(alice), RlsClaims.ForAdmin(admin) })
        {
            await using var db = Database.ContextFor(caller);
            var loaded = await db.LoadSessionAggregateAsync(session.Id);

            Assert.NotNull(loaded);
            Assert.Equal(await StoredIdsAsync("session_revisions", session.Id), loaded.Revisions.Select(r => r.Id).Order());
            Assert.Equal(await StoredIdsAsync("session_drafts", session.Id), loaded.Drafts.Select(d => d.Id).Order());
            Assert.Equal(await StoredIdsAsync("hole_resolutions", session.Id), loaded.HoleResolutions.Select(h => h.Id).Order());
            Assert.Equal([1, 2, 3], loaded.Revisions.Select(r => r.RevisionNumber).Order());
            Assert.Equal(2, loaded.Drafts.Count);
            Assert.Equal(["?h1", "?h2", "?h3"], loaded.HoleResolutions.Select(h => h.HoleId).Order(StringComparer.Ordinal));
            Assert.Equal((3, 2, 3), (loaded.RevisionCount, loaded.DraftCount, loaded.HoleCount));
            Assert.All(loaded.Revisions, r => Assert.Equal(session.Id, r.SessionId));
            Assert.Empty(db.ChangeTracker.Entries());
        }
    }

    [Fact]
    public async Task SessionPage_WalksEveryOwnSession_NewestFirst_WithoutDuplicatesOrGaps()
    {
        var alice = await Database.CreateUserAsync();
        var bob = await Database.CreateUserAsync();
        await AddSessionsAsync(alice, AliceSessions);
        await AddSessionsAsync(bob, 12);
        var expected = await StoredPageOrderAsync(alice);

        var pages = await WalkAsync(Database.ContextFor(RlsClaims.ForUser(alice)), alice);

        Assert.Equal([PageSize, PageSize, AliceSessions - (2 * PageSize), 0], pages.Select(p => p.Count));
        var walked = pages.SelectMany(p => p).ToList();
        Assert.Equal(expected, walked.Select(s => s.Id));
        Assert.Equal(AliceSessions, walked.Select(s => s.Id).Distinct().Count());
        Assert.All(walked, s => Assert.Equal(alice, s.UserId));
        Assert.Equal(pages[0][^1].CreatedAt, pages[1][0].CreatedAt);
    }

    [Fact]
    public async Task SessionPage_AskedForAnotherUsersSessions_ReturnsWhatRlsAllows_NotWhatTheWhereClauseSelects()
    {
        var alice = await Database.CreateUserAsync();
        var bob = await Database.CreateUserAsync();
        var admin = await Database.CreateUserAsync();
        await AddSessionsAsync(alice, AliceSessions);
        await AddSessionsAsync(bob, 12);
        var farFuture = (Start.AddYears(1), Guid.Parse("ffffffff-ffff-ffff-ffff-ffffffffffff"));

        foreach (var caller in new[] { RlsClaims.ForUser(bob), RlsClaims.Anonymous })
        {
            await using var db = Database.ContextFor(caller);
            Assert.Empty(await db.SessionPageAsync(alice, PageSize));
            Assert.Empty(await db.SessionPageAsync(alice, PageSize, farFuture));
        }

        await using (var db = Database.ContextFor(RlsClaims.ForUser(bob)))
        {
            var own = await db.SessionPageAsync(bob, PageSize);
            Assert.Equal(12, own.Count);
            Assert.All(own, s => Assert.Equal(bob, s.UserId));
        }

        var adminPages = await WalkAsync(Database.ContextFor(RlsClaims.ForAdmin(admin)), alice);
        Assert.Equal(await StoredPageOrderAsync(alice), adminPages.SelectMany(p => p).Select(s => s.Id));
    }

    private async Task AddSessionsAsync(Guid userId, int count)
    {
        await using var db = Database.ContextFor(RlsClaims.ForUser(userId));
        for (var i = 0; i < count; i++)
        {
            db.Sessions.Add(Session.Create(userId, $"session {i}", null, Start.AddMinutes(i / SessionsPerTimestamp), Guid.NewGuid()));
        }

        await db.SaveChangesAsync();
    }

    private static async Task<List<List<Session>>> WalkAsync(DomainDbContext context, Guid userId)
    {
        await using var db = context;
        var pages = new List<List<Session>>();
        (DateTimeOffset, Guid)? after = null;
        do
        {
            pages.Add(await db.SessionPageAsync(userId, PageSize, after));
            after = pages[^1] is [.., var last] ? (last.CreatedAt, last.Id) : null;
        }
        while (after is not null && pages.Count <= AliceSessions);

        return pages;
    }

    private async Task<Guid[]> StoredPageOrderAsync(Guid userId)
        => await Database.ScalarAsync<Guid[]>(
            "SELECT array_agg(id ORDER BY created_at DESC, id DESC) FROM public.sessions WHERE user_id = @u", ("u", userId)) ?? [];

    private async Task<IEnumerable<Guid>> StoredIdsAsync(string table, Guid sessionId)
        => (await Database.ScalarAsync<Guid[]>($"SELECT array_agg(id) FROM public.{table} WHERE session_id = @id", ("id", sessionId)) ?? []).Order();
}
