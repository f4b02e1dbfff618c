using Domain.Application;
using Domain.Application.Common;
using Domain.Application.Conversations;
using Domain.Common;
using Domain.Conversations;
using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence.Errors;
using FluentValidation;
using Microsoft.Extensions.DependencyInjection;

namespace Domain.IntegrationTests.Conversations;

/// <summary>
/// <see cref="ConversationStore"/> as the application layer registers it: every operation as two users, an admin and
/// anon, store-or-continue and appends under concurrency, history and lists by keyset, expiry.
/// </summary>
public sealed class ConversationStoreTests : DatabaseTest
{
    private static readonly TimeSpan TimeToLive = TimeSpan.FromDays(30);
    private readonly ServiceProvider _services;
    private readonly ConversationStore _store;

    public ConversationStoreTests(MigratedDatabase database)
        : base(database)
    {
        _services = new ServiceCollection()
            .AddSingleton(database.Contexts)
            .AddDomainApplication()
            .Configure<ConversationOptions>(o => o.TimeToLive = TimeToLive)
            .BuildServiceProvider();
        _store = _services.GetRequiredService<ConversationStore>();
    }

    public override async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task Store_WithAContinuationId_StartsOnce_ThenContinuesTheSameConversation_PerUser()
    {
        var (alice, bob) = (await Database.CreateUserAsync(), await Database.CreateUserAsync());

        var first = await _store.StoreAsync(Caller.User(alice), new StoreConversationRequest("chat", "cont-1", "review", "openai", Context: """{"k":1}"""));
        var again = await _store.StoreAsync(Caller.User(alice), new StoreConversationRequest("another title", "cont-1"));
        var bobs = await _store.StoreAsync(Caller.User(bob), new StoreConversationRequest("bob's", "cont-1"));

        Assert.Equal(first.Id, again.Id);
        Assert.Equal(("chat", "review", "openai"), (again.Title, again.ToolName, again.Provider));
        Assert.True(StoredRows.SameJson("""{"k":1}""", again.Context!), again.Context);
        Assert.NotEqual(first.Id, bobs.Id);
        Assert.Equal(bob, bobs.UserId);
        Assert.Equal(first.Id, (await _store.FindByContinuationIdAsync(Caller.User(alice), "cont-1"))!.Id);
        Assert.Equal(2L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.conversations"));
    }

    [Fact]
    public async Task SixteenConcurrentStores_WithOneContinuationId_EndWithOneConversation_ThatEveryCallerGets()
    {
        var alice = await Database.CreateUserAsync();

        var stored = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            Task.Run(() => _store.StoreAsync(Caller.User(alice), new StoreConversationRequest($"racer {i}", "race")))));

        Assert.Single(stored.Select(s => s.Id).Distinct());
        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.conversations WHERE continuation_id = 'race'"));
    }

    [Fact]
    public async Task SixteenConcurrentAppenders_GiveUniqueGaplessSequences_AndAnExactCount()
    {
        var alice = await Database.CreateUserAsync();
        var conversation = await _store.StoreAsync(Caller.User(alice), new StoreConversationRequest("busy"));

        var appended = await Task.WhenAll(Enumerable.Range(0, 16).SelectMany(writer => Enumerable.Range(0, 5).Select(i => (writer, i)))
            .Select(w => Task.Run(() => _store.AppendMessageAsync(
                Caller.User(alice), conversation.Id, new AppendMessageRequest(MessageRole.User, $"writer {w.writer} message {w.i}")))));

        Assert.Equal(Enumerable.Range(1, 80), appended.Select(m => m.Sequence).Order());
        Assert.Equal(80, (await _store.GetAsync(Caller.User(alice), conversation.Id))!.MessageCount);
        Assert.Equal(80L, await Database.ScalarAsync<long>("SELECT count(DISTINCT sequence) FROM public.messages"));
    }

    [Fact]
    public async Task AppendingAProvidersMessageAgain_ReturnsTheStoredOne_AndStoresNothing()
    {
        var alice = await Database.CreateUserAsync();
        var conversation = await _store.StoreAsync(Caller.User(alice), new StoreConversationRequest("chat"));
        var request = new AppendMessageRequest(MessageRole.Assistant, "answer", PromptTokens: 10, CompletionTokens: 3, Provider: "openai", ProviderMessageId: "msg_1");

        var first = await _store.AppendMessageAsync(Caller.User(alice), conversation.Id, request);
        var retry = await _store.AppendMessageAsync(Caller.User(alice), conversation.Id, request);

        Assert.Equal(first.Id, retry.Id);
        Assert.Equal((1, 13), (first.Sequence, first.TokenCount!.Value));
        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.messages"));
        Assert.Equal(1, await Database.ScalarAsync<int>("SELECT last_sequence FROM public.conversations"));
    }

    [Fact]
    public async Task History_ReadsByKeyset_NewestFirstAndOldestFirst()
    {
        var alice = await Database.CreateUserAsync();
        var conversation = await _store.StoreAsync(Caller.User(alice), new StoreConversationRequest("long chat"));
        await _store.AppendMessagesAsync(Caller.User(alice), conversation.Id,
            new AppendMessagesRequest([.. Enumerable.Range(1, 25).Select(i => new AppendMessageRequest(i % 2 == 0 ? MessageRole.Assistant : MessageRole.User, $"m{i}"))]));

        var newest = await Walk(newestFirst: true);
        var oldest = await Walk(newestFirst: false);

        Assert.Equal(Enumerable.Range(1, 25).Reverse(), newest);
        Assert.Equal(Enumerable.Range(1, 25), oldest);

        async Task<List<int>> Walk(bool newestFirst)
        {
            var sequences = new List<int>();
            int? cursor = null;
            while (true)
            {
                var page = await _store.GetMessagesAsync(Caller.User(alice), conversation.Id, new MessageHistoryRequest(10, cursor, newestFirst));
                if (page.Count == 0)
                {
                    return sequences;
                }

                sequences.AddRange(page.Select(m => m.Sequence));
                cursor = page[^1].Sequence;
            }
        }
    }

    [Fact]
    public async Task List_WalksTheCallersConversationsByLastActivity_AndNoOneElses()
    {
        var (alice, bob) = (await Database.CreateUserAsync(), await Database.CreateUserAsync());
        var created = new List<Guid>();
        for (var i = 0; i < 12; i++)
        {
            created.Add((await _store.StoreAsync(Caller.User(alice), new StoreConversationRequest($"alice {i}"))).Id);
            await _store.StoreAsync(Caller.User(bob), new StoreConversationRequest($"bob {i}"));
        }

        // The oldest one gets a message: it becomes the most recently active.
        await _store.AppendMessageAsync(Caller.User(alice), created[0], new AppendMessageRequest(MessageRole.User, "back again"));

        var seen = new List<ConversationDto>();
        ListConversationsRequest request = new(5);
        while (true)
        {
            var page = await _store.ListAsync(Caller.User(alice), request);
            seen.AddRange(page);
            if (page.Count < 5)
            {
                break;
            }

            request = ListConversationsRequest.NextPage(page[^1], 5);
        }

        Assert.Equal(12, seen.Count);
        Assert.All(seen, c => Assert.Equal(alice, c.UserId));
        Assert.Equal(created[0], seen[0].Id);
        Assert.Equal(seen.Select(c => c.LastActivityAt).OrderDescending(), seen.Select(c => c.LastActivityAt));
    }

    [Fact]
    public async Task EveryOperation_ActingAsAnotherUser_AnAdminAndAnon_ReachesOnlyWhatRlsAllows()
    {
        var (alice, bob, admin) = (await Database.CreateUserAsync(), await Database.CreateUserAsync(), await Database.CreateUserAsync());
        var conversation = await _store.StoreAsync(Caller.User(alice), new StoreConversationRequest("alice's", "alice-cont"));
        await _store.AppendMessageAsync(Caller.User(alice), conversation.Id, new AppendMessageRequest(MessageRole.User, "hello"));
        var append = new AppendMessageRequest(MessageRole.User, "planted");

        foreach (var stranger in new[] { Caller.User(bob), Caller.Anonymous })
        {
            Assert.Null(await _store.GetAsync(stranger, conversation.Id));
            Assert.Empty(await _store.ListAsync(stranger, new ListConversationsRequest()));
            await Assert.ThrowsAsync<NotFoundException>(() => _store.AppendMessageAsync(stranger, conversation.Id, append));
            await Assert.ThrowsAsync<NotFoundException>(() => _store.GetMessagesAsync(stranger, conversation.Id, new MessageHistoryRequest()));
            await Assert.ThrowsAsync<NotFoundException>(() => _store.RenameAsync(stranger, conversation.Id, new RenameConversationRequest("taken")));
            await Assert.ThrowsAsync<NotFoundException>(() => _store.ArchiveAsync(stranger, conversation.Id));
            Assert.False(await _store.DeleteAsync(stranger, conversation.Id));
            Assert.Equal(0, await _store.ArchiveManyAsync(stranger, new ConversationIdsRequest([conversation.Id])));
        }

        Assert.Null(await _store.FindByContinuationIdAsync(Caller.User(bob), "alice-cont"));
        await Assert.ThrowsAsync<ValidationException>(() => _store.StoreAsync(Caller.Anonymous, new StoreConversationRequest("anon's")));

        var asAdmin = Caller.Admin(admin);
        Assert.Equal(conversation.Id, (await _store.GetAsync(asAdmin, conversation.Id))!.Id);
        Assert.Single(await _store.GetMessagesAsync(asAdmin, conversation.Id, new MessageHistoryRequest()));
        await Assert.ThrowsAsync<RlsViolationException>(() => _store.AppendMessageAsync(asAdmin, conversation.Id, append));
        Assert.Equal(0, await _store.ArchiveManyAsync(asAdmin, new ConversationIdsRequest([conversation.Id])));

        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.messages"));
        Assert.Equal("alice's", await Database.ScalarAsync<string>("SELECT title FROM public.conversations"));
        Assert.Null(await Database.ScalarAsync<DateTime?>("SELECT archived_at FROM public.conversations"));
    }

    [Fact]
    public async Task AnArchivedConversation_TakesNoMessage_AndNothingIsWritten()
    {
        var alice = await Database.CreateUserAsync();
        var conversation = await _store.StoreAsync(Caller.User(alice), new StoreConversationRequest("done"));
        await _store.ArchiveAsync(Caller.User(alice), conversation.Id);

        var ex = await Assert.ThrowsAsync<DomainException>(
            () => _store.AppendMessageAsync(Caller.User(alice), conversation.Id, new AppendMessageRequest(MessageRole.User, "late")));

        Assert.Equal("conversation.archived", ex.Code);
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.messages"));
    }

    [Fact]
    public async Task RenameAndContext_AreTheOwnersToChange()
    {
        var alice = await Database.CreateUserAsync();
        var conversation = await _store.StoreAsync(Caller.User(alice), new StoreConversationRequest("old"));

        var renamed = await _store.RenameAsync(Caller.User(alice), conversation.Id, new RenameConversationRequest("new"));
        var withContext = await _store.ReplaceContextAsync(Caller.User(alice), conversation.Id, new ReplaceConversationContextRequest("""{"step":2}"""));
        var cleared = await _store.ReplaceContextAsync(Caller.User(alice), conversation.Id, new ReplaceConversationContextRequest(null));

        Assert.Equal("new", renamed.Title);
        Assert.True(StoredRows.SameJson("""{"step":2}""", withContext.Context!));
        Assert.Null(cleared.Context);
        Assert.Equal("new", await Database.ScalarAsync<string>("SELECT title FROM public.conversations"));
    }

    [Fact]
    public async Task Expiry_IsSetOnStart_AndEachMessageExtendsIt()
    {
        var alice = await Database.CreateUserAsync();
        var conversation = await _store.StoreAsync(Caller.User(alice), new StoreConversationRequest("expiring"));
        var expiry = conversation.ExpiresAt!.Value;

        await _store.AppendMessageAsync(Caller.User(alice), conversation.Id, new AppendMessageRequest(MessageRole.User, "still here"));
        var after = (await _store.GetAsync(Caller.User(alice), conversation.Id))!;

        Assert.InRange(expiry - conversation.CreatedAt, TimeToLive - TimeSpan.FromSeconds(1), TimeToLive + TimeSpan.FromSeconds(1));
        Assert.True(after.ExpiresAt > expiry, $"{after.ExpiresAt} should be after {expiry}");
    }

    [Fact]
    public async Task BulkArchiveAndDelete_ReachOnlyTheCallersConversations()
    {
        var (alice, bob) = (await Database.CreateUserAsync(), await Database.CreateUserAsync());
        var alices = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            alices.Add((await _store.StoreAsync(Caller.User(alice), new StoreConversationRequest($"a{i}"))).Id);
        }

        var bobs = (await _store.StoreAsync(Caller.User(bob), new StoreConversationRequest("b"))).Id;
        await _store.AppendMessageAsync(Caller.User(alice), alices[2], new AppendMessageRequest(MessageRole.User, "goes with it"));

        Assert.Equal(2, await _store.ArchiveManyAsync(Caller.User(alice), new ConversationIdsRequest([alices[0], alices[1], bobs])));
        Assert.Equal(0, await _store.ArchiveManyAsync(Caller.User(alice), new ConversationIdsRequest([alices[0]])));
        Assert.Equal(1, await _store.DeleteManyAsync(Caller.User(alice), new ConversationIdsRequest([alices[2], bobs])));

        Assert.Equal(2L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.conversations WHERE user_id = @u AND archived_at IS NOT NULL", ("u", alice)));
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.messages"));
        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.conversations WHERE user_id = @u AND archived_at IS NULL", ("u", bob)));
    }
}
