using Domain.Application;
using Domain.Application.Sessions;
using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence.Sessions;
using Domain.Persistence.Rls;
using Domain.Sessions;
using Mapster;
using Microsoft.EntityFrameworkCore;

namespace Domain.IntegrationTests.Sessions;

/// <summary>
/// The one-round-trip read of a session: the same aggregate the entities hold, child for child and value for value,
/// under the same RLS.
/// </summary>
public sealed class SessionSnapshotTests(MigratedDatabase database) : DatabaseTest(database)
{
    private static readonly TypeAdapterConfig Mapping = ApplicationServiceCollectionExtensions.CreateMappingConfig();

    [Fact]
    public async Task Snapshot_HoldsWhatTheEntitiesHold_ValueForValue_InTheDtosOrder()
    {
        var alice = await Database.CreateUserAsync();
        var sessionId = await Database.RichSessionAsync(alice);

        await using var db = Database.ContextFor(RlsClaims.ForUser(alice));
        var snapshot = await db.LoadSessionSnapshotAsync(sessionId);
        var aggregate = await db.LoadSessionAggregateAsync(sessionId);

        Assert.NotNull(snapshot);
        Assert.NotNull(aggregate);
        AssertSameDetails(aggregate.Adapt<SessionDetailsDto>(Mapping), snapshot.Adapt<SessionDetailsDto>(Mapping));
        Assert.Equal((aggregate.Metadata, aggregate.LastRevisionNumber), (snapshot.Metadata, snapshot.LastRevisionNumber));
        Assert.Equal(aggregate.HoleResolutions.OrderBy(h => h.HoleId).Select(h => h.CreatedAt), snapshot.HoleResolutions.Select(h => h.CreatedAt));
        Assert.Equal((4, 3, 3), (snapshot.Revisions.Count, snapshot.Drafts.Count, snapshot.HoleResolutions.Count));
        Assert.All(
            [snapshot.CreatedAt, snapshot.UpdatedAt, .. snapshot.Revisions.Select(r => r.CreatedAt), .. snapshot.HoleResolutions.Select(h => h.ResolvedAt)],
            instant => Assert.Equal(TimeSpan.Zero, instant.Offset));
    }

    [Fact]
    public async Task Snapshot_OfASessionWithoutChildren_HasEmptyLists()
    {
        var alice = await Database.CreateUserAsync();
        var session = Session.Create(alice, "bare", null, Clock.GetUtcNow());
        await using (var db = Database.ContextFor(RlsClaims.ForUser(alice)))
        {
            db.Sessions.Add(session);
            await db.SaveChangesAsync();
        }

        await using var reader = Database.ContextFor(RlsClaims.ForUser(alice));
        var snapshot = await reader.LoadSessionSnapshotAsync(session.Id);

        Assert.NotNull(snapshot);
        Assert.Equal(("bare", SessionStatus.Active, (string?)null), (snapshot.Title, snapshot.Status, snapshot.CurrentIr));
        Assert.Empty(snapshot.Revisions);
        Assert.Empty(snapshot.Drafts);
        Assert.Empty(snapshot.HoleResolutions);
    }

    [Theory]
    [InlineData("another user")]
    [InlineData("anon")]
    [InlineData("missing")]
    public async Task Snapshot_OfASessionTheCallerCannotSee_IsNull(string caller)
    {
        var alice = await Database.CreateUserAsync();
        var bob = await Database.CreateUserAsync();
        var sessionId = await Database.RichSessionAsync(alice);

        await using var db = Database.ContextFor(caller == "anon" ? RlsClaims.Anonymous : RlsClaims.ForUser(caller == "missing" ? alice : bob));

        Assert.Null(await db.LoadSessionSnapshotAsync(caller == "missing" ? Guid.CreateVersion7() : sessionId));
    }

    [Fact]
    public async Task Snapshot_ForAnAdmin_IsAnotherUsersWholeSession()
    {
        var alice = await Database.CreateUserAsync();
        var admin = await Database.CreateUserAsync();
        var sessionId = await Database.RichSessionAsync(alice);

        await using var db = Database.ContextFor(RlsClaims.ForAdmin(admin));
        var snapshot = await db.LoadSessionSnapshotAsync(sessionId);

        Assert.NotNull(snapshot);
        Assert.Equal(alice, snapshot.UserId);
        Assert.Equal((4, 3, 3), (snapshot.Revisions.Count, snapshot.Drafts.Count, snapshot.HoleResolutions.Count));
    }

    [Fact]
    public async Task Snapshot_WhenTheSessionTimeZoneIsNotUtc_StillHoldsUtcInstants()
    {
        var alice = await Database.CreateUserAsync();
        var sessionId = await Database.RichSessionAsync(alice);

        await using var db = Database.ContextFor(RlsClaims.ForUser(alice));
        await using var transaction = await db.Database.BeginTransactionAsync();
        await db.Database.ExecuteSqlRawAsync("SET LOCAL TIME ZONE 'Asia/Kolkata'");
        var snapshot = await db.LoadSessionSnapshotAsync(sessionId);
        var stored = await Database.ScalarAsync<DateTime>("SELECT created_at FROM public.sessions WHERE id = @id", ("id", sessionId));

        Assert.NotNull(snapshot);
        Assert.Equal(TimeSpan.Zero, snapshot.CreatedAt.Offset);
        Assert.Equal(stored, snapshot.CreatedAt.UtcDateTime);
    }

    internal static void AssertSameDetails(SessionDetailsDto expected, SessionDetailsDto actual)
    {
        Assert.Equal(expected.Session, actual.Session);
        Assert.Equal(expected.Revisions, actual.Revisions);
        Assert.Equal(expected.Drafts, actual.Drafts);
        Assert.Equal(expected.HoleResolutions, actual.HoleResolutions);
    }
}
