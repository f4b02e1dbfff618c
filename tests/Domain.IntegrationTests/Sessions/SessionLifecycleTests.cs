using Domain.Application;
using Domain.Application.Common;
using Domain.Application.Conversations;
using Domain.Application.Sessions;
using Domain.Conversations;
using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence.Rls;
using Domain.Sessions;
using Domain.Usage;
using FluentValidation;
using Microsoft.Extensions.DependencyInjection;

namespace Domain.IntegrationTests.Sessions;

/// <summary>
/// The rest of the Session store (seed 002's <c>SupabaseSessionStore</c>): delete, metadata, the summary, status filters
/// and bulk archive and delete, each acting for a caller.
/// </summary>
public sealed class SessionLifecycleTests : DatabaseTest
{
    private readonly ServiceProvider _services;
    private readonly SessionStore _sessions;
    private readonly ConversationStore _conversations;

    public SessionLifecycleTests(MigratedDatabase database)
        : base(database)
    {
        _services = new ServiceCollection().AddSingleton(database.Contexts).AddDomainApplication().BuildServiceProvider();
        _sessions = _services.GetRequiredService<SessionStore>();
        _conversations = _services.GetRequiredService<ConversationStore>();
    }

    public override async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task DeletingASession_RemovesItsHistory_DetachesItsConversations_AndKeepsItsUsage()
    {
        var alice = await Database.CreateUserAsync();
        var session = await Database.SessionWithOneOfEachAsync(alice);
        var conversation = await _conversations.StoreAsync(Caller.User(alice), new StoreConversationRequest("about it", SessionId: session.Id));
        await _conversations.AppendMessageAsync(Caller.User(alice), conversation.Id, new AppendMessageRequest(MessageRole.User, "stays"));
        await using (var backend = Database.ContextFor(RlsClaims.Service))
        {
            backend.UsageLogs.Add(UsageRecord.Create(alice, "openai", "chat", null, 1, 1, 0.001m, Clock.GetUtcNow(), sessionId: session.Id));
            await backend.SaveChangesAsync();
        }

        Assert.True(await _sessions.DeleteAsync(Caller.User(alice), session.Id));

        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.sessions"));
        Assert.Equal(0L, await Database.ScalarAsync<long>(
            "SELECT (SELECT count(*) FROM public.session_revisions) + (SELECT count(*) FROM public.session_drafts) + (SELECT count(*) FROM public.hole_resolutions)"));
        var detached = (await _conversations.GetAsync(Caller.User(alice), conversation.Id))!;
        Assert.Null(detached.SessionId);
        Assert.Equal((alice, 1), (detached.UserId, detached.MessageCount));
        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.usage_logs WHERE session_id IS NULL AND user_id = @u", ("u", alice)));
    }

    [Fact]
    public async Task DeletingAnotherUsersSession_DeletesNothing_ForAUserAnAdminAndAnon()
    {
        var (alice, bob, admin) = (await Database.CreateUserAsync(), await Database.CreateUserAsync(), await Database.CreateUserAsync());
        var session = await Database.SessionWithOneOfEachAsync(alice);

        foreach (var caller in new[] { Caller.User(bob), Caller.Admin(admin), Caller.Anonymous })
        {
            Assert.False(await _sessions.DeleteAsync(caller, session.Id));
            Assert.Equal(0, await _sessions.DeleteManyAsync(caller, new SessionIdsRequest([session.Id])));
            Assert.Equal(0, await _sessions.ArchiveManyAsync(caller, new SessionIdsRequest([session.Id])));
        }

        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.sessions WHERE status = 'active'"));
    }

    [Fact]
    public async Task Metadata_IsReadAndReplacedByTheOwner_AndValidatedFirst()
    {
        var (alice, bob) = (await Database.CreateUserAsync(), await Database.CreateUserAsync());
        var session = await Database.SessionWithOneOfEachAsync(alice);

        Assert.True(StoredRows.SameJson("{}", (await _sessions.GetMetadataAsync(Caller.User(alice), session.Id))!));
        await _sessions.ReplaceMetadataAsync(Caller.User(alice), session.Id, new ReplaceSessionMetadataRequest("""{"tags":["x"]}"""));
        Assert.True(StoredRows.SameJson("""{"tags":["x"]}""", (await _sessions.GetMetadataAsync(Caller.User(alice), session.Id))!));

        Assert.Null(await _sessions.GetMetadataAsync(Caller.User(bob), session.Id));
        await Assert.ThrowsAsync<NotFoundException>(
            () => _sessions.ReplaceMetadataAsync(Caller.User(bob), session.Id, new ReplaceSessionMetadataRequest("""{"taken":true}""")));
        var invalid = await Assert.ThrowsAsync<ValidationException>(
            () => _sessions.ReplaceMetadataAsync(Caller.User(alice), session.Id, new ReplaceSessionMetadataRequest("[]")));
        Assert.Contains(invalid.Errors, e => e.PropertyName == nameof(ReplaceSessionMetadataRequest.Metadata));
        Assert.True(StoredRows.SameJson("""{"tags":["x"]}""", (await Database.ScalarAsync<string>("SELECT metadata::text FROM public.sessions"))!));
    }

    [Fact]
    public async Task Summary_IsTheSessionsRowOfTheView_UnderRls()
    {
        var (alice, bob) = (await Database.CreateUserAsync(), await Database.CreateUserAsync());
        var session = await Database.SessionWithOneOfEachAsync(alice);

        var summary = (await _sessions.GetSummaryAsync(Caller.User(alice), session.Id))!;

        Assert.Equal((session.Id, 1, 1, 1, 1L, 0.75), (summary.Id, summary.RevisionCount, summary.DraftCount, summary.HoleCount, summary.ValidDraftCount, summary.AverageConfidence!.Value));
        Assert.Null(await _sessions.GetSummaryAsync(Caller.User(bob), session.Id));
    }

    [Fact]
    public async Task List_FiltersByStatus()
    {
        var alice = await Database.CreateUserAsync();
        await Database.SessionInStatusAsync(alice, SessionStatus.Active);
        await Database.SessionInStatusAsync(alice, SessionStatus.Finalized);
        await Database.SessionInStatusAsync(alice, SessionStatus.Archived);
        await Database.SessionInStatusAsync(alice, SessionStatus.Archived);

        foreach (var (status, expected) in new[] { (SessionStatus.Active, 1), (SessionStatus.Finalized, 1), (SessionStatus.Archived, 2) })
        {
            var page = await _sessions.ListAsync(Caller.User(alice), new ListSessionsRequest(Status: status));
            Assert.Equal(expected, page.Count);
            Assert.All(page, s => Assert.Equal(status, s.Status));
        }

        Assert.Equal(4, (await _sessions.ListAsync(Caller.User(alice), new ListSessionsRequest())).Count);
    }

    [Fact]
    public async Task BulkArchive_ArchivesTheCallersOpenSessions_InOneStatement()
    {
        var (alice, bob) = (await Database.CreateUserAsync(), await Database.CreateUserAsync());
        var active = await Database.SessionInStatusAsync(alice, SessionStatus.Active);
        var finalized = await Database.SessionInStatusAsync(alice, SessionStatus.Finalized);
        var bobs = await Database.SessionInStatusAsync(bob, SessionStatus.Active);

        Assert.Equal(2, await _sessions.ArchiveManyAsync(Caller.User(alice), new SessionIdsRequest([active.Id, finalized.Id, bobs.Id])));

        Assert.Equal(2L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.sessions WHERE status = 'archived' AND archived_at IS NOT NULL"));
        Assert.Equal("active", await Database.ScalarAsync<string>("SELECT status::text FROM public.sessions WHERE id = @id", ("id", bobs.Id)));
    }
}
