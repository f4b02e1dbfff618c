using Domain.Application;
using Domain.Application.Common;
using Domain.Application.Conversations;
using Domain.Application.Files;
using Domain.Conversations;
using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence.Rls;
using Domain.Usage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Domain.IntegrationTests.Conversations;

/// <summary>
/// Expired conversations are removed, of every user and nothing else, in bounded batches, while other writers keep
/// appending; their messages and file attachments go with them, the files and the usage spent on them stay.
/// </summary>
public sealed class ConversationCleanupTests(MigratedDatabase database) : DatabaseTest(database)
{
    [Fact]
    public async Task Cleanup_RemovesExactlyTheExpiredConversationsOfEveryUser_InBatches_WhileOthersAppend()
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var services = Services(clock, batchSize: 7);
        var store = services.GetRequiredService<ConversationStore>();
        var users = new[] { await Database.CreateUserAsync(), await Database.CreateUserAsync(), await Database.CreateUserAsync() };

        // Each user: 10 conversations that will have expired and 3 that will not (they get a message later, which
        // extends their expiry), and one that never expires.
        var expiring = new List<Guid>();
        var kept = new List<Guid>();
        foreach (var user in users)
        {
            for (var i = 0; i < 13; i++)
            {
                var conversation = await store.StoreAsync(Caller.User(user), new StoreConversationRequest($"c{i}"));
                await store.AppendMessageAsync(Caller.User(user), conversation.Id, new AppendMessageRequest(MessageRole.User, "first"));
                (i < 10 ? expiring : kept).Add(conversation.Id);
            }
        }

        await using (var eternal = Services(clock, batchSize: 7, expires: false))
        {
            kept.Add((await eternal.GetRequiredService<ConversationStore>().StoreAsync(Caller.User(users[0]), new StoreConversationRequest("forever"))).Id);
        }

        clock.Advance(TimeSpan.FromDays(20));
        foreach (var id in kept.Take(9))
        {
            await store.AppendMessageAsync(Caller.User(await OwnerOf(id)), id, new AppendMessageRequest(MessageRole.User, "extends"));
        }

        clock.Advance(TimeSpan.FromDays(11));

        // Writers keep appending to conversations that stay while the cleanup runs.
        using var stop = new CancellationTokenSource();
        var writers = kept.Take(9).Select(id => Task.Run(async () =>
        {
            var owner = Caller.User(await OwnerOf(id));
            var count = 0;
            while (!stop.IsCancellationRequested)
            {
                await store.AppendMessageAsync(owner, id, new AppendMessageRequest(MessageRole.User, "meanwhile"));
                count++;
            }

            return count;
        })).ToList();
        var removed = await services.GetRequiredService<ConversationCleanup>().RunAsync();
        await stop.CancelAsync();
        var appendedMeanwhile = (await Task.WhenAll(writers)).Sum();

        Assert.Equal(30, removed);
        Assert.True(appendedMeanwhile > 0);
        var left = await Database.ScalarAsync<Guid[]>("SELECT array_agg(id ORDER BY id) FROM public.conversations");
        Assert.Equal(kept.Order(), left!);
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.messages WHERE conversation_id = ANY(@ids)", ("ids", expiring.ToArray())));
        Assert.Equal(0, await services.GetRequiredService<ConversationCleanup>().RunAsync());
    }

    [Fact]
    public async Task RemovingAConversation_TakesItsMessages_AndKeepsTheUsageSpentOnIt()
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var services = Services(clock, batchSize: 100);
        var store = services.GetRequiredService<ConversationStore>();
        var alice = await Database.CreateUserAsync();
        var conversation = await store.StoreAsync(Caller.User(alice), new StoreConversationRequest("metered"));
        await store.AppendMessageAsync(Caller.User(alice), conversation.Id, new AppendMessageRequest(MessageRole.Assistant, "paid for"));
        await using (var backend = Database.ContextFor(RlsClaims.Service))
        {
            backend.UsageLogs.Add(UsageRecord.Create(alice, "openai", "chat.completion", null, 10, 5, 0.01m, clock.GetUtcNow(), conversationId: conversation.Id));
            await backend.SaveChangesAsync();
        }

        clock.Advance(TimeSpan.FromDays(31));
        Assert.Equal(1, await services.GetRequiredService<ConversationCleanup>().RunAsync());

        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.conversations"));
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.messages"));
        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.usage_logs WHERE conversation_id IS NULL AND user_id = @u", ("u", alice)));
    }

    [Fact]
    public async Task RemovingAnExpiredConversation_TakesItsFileAttachments_AndLeavesTheFiles()
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var services = Services(clock, batchSize: 100);
        var store = services.GetRequiredService<ConversationStore>();
        var files = services.GetRequiredService<FileStore>();
        var alice = await Database.CreateUserAsync();
        var report = await Database.FileAsync(alice, "report.pdf", "openai");
        var chart = await Database.FileAsync(alice, "chart.png");
        var expiring = await store.StoreAsync(Caller.User(alice), new StoreConversationRequest("expiring"));
        await files.AttachAsync(Caller.User(alice), expiring.Id, report.Id);
        await files.AttachAsync(Caller.User(alice), expiring.Id, chart.Id);
        clock.Advance(TimeSpan.FromDays(20));
        var staying = await store.StoreAsync(Caller.User(alice), new StoreConversationRequest("staying"));
        await files.AttachAsync(Caller.User(alice), staying.Id, report.Id);

        clock.Advance(TimeSpan.FromDays(11));
        Assert.Equal(1, await services.GetRequiredService<ConversationCleanup>().RunAsync());

        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.conversation_files WHERE conversation_id = @c", ("c", expiring.Id)));
        Assert.Equal([report.Id], (await files.ListConversationFilesAsync(Caller.User(alice), staying.Id)).Select(a => a.File.Id));
        Assert.Equal(2L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.files WHERE status = 'uploaded'"));
        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.provider_file_uploads WHERE status = 'active'"));
    }

    private ServiceProvider Services(TimeProvider clock, int batchSize, bool expires = true)
        => new ServiceCollection()
            .AddSingleton(Database.Contexts)
            .AddSingleton(clock)
            .AddDomainApplication()
            .Configure<ConversationOptions>(o => (o.CleanupBatchSize, o.TimeToLive) = (batchSize, expires ? TimeSpan.FromDays(30) : null))
            .BuildServiceProvider();

    private async Task<Guid> OwnerOf(Guid conversationId)
        => await Database.ScalarAsync<Guid>("SELECT user_id FROM public.conversations WHERE id = @id", ("id", conversationId));
}
