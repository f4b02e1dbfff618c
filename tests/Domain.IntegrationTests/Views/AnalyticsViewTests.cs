using Domain.Application;
using Domain.Application.Common;
using Domain.Application.Conversations;
using Domain.Conversations;
using Domain.Files;
using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence;
using Domain.Persistence.Rls;
using Domain.Prompts;
using Domain.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;

namespace Domain.IntegrationTests.Views;

/// <summary>The analytics views as keyless query types: their columns are the mapped types', and LINQ reads them under RLS.</summary>
public sealed class AnalyticsViewTests(MigratedDatabase database) : DatabaseTest(database)
{
    public static TheoryData<string> ViewNames => [.. MappedViews().Select(v => v.View)];

    [Theory]
    [MemberData(nameof(ViewNames))]
    public async Task EachView_HasExactlyTheColumnsItsTypeMaps(string view)
    {
        var mapped = MappedViews().Single(v => v.View == view).Columns;

        var columns = await Database.ScalarAsync<string[]>(
            "SELECT array_agg(column_name::text ORDER BY column_name) FROM information_schema.columns WHERE table_schema = 'public' AND table_name = @view",
            ("view", view));

        Assert.Equal(mapped.Order(StringComparer.Ordinal), columns!);
    }

    [Fact]
    public async Task EveryView_ReadsWithLinq_AndShowsOnlyTheCallersRows()
    {
        var (alice, bob) = (await Database.CreateUserAsync(), await Database.CreateUserAsync());
        foreach (var user in new[] { alice, bob })
        {
            var session = await Database.SessionWithOneOfEachAsync(user);
            await using var services = new ServiceCollection().AddSingleton(Database.Contexts).AddDomainApplication().BuildServiceProvider();
            var conversations = services.GetRequiredService<ConversationStore>();
            var conversation = await conversations.StoreAsync(Caller.User(user), new StoreConversationRequest("c", SessionId: session.Id));
            await conversations.AppendMessageAsync(Caller.User(user), conversation.Id, new AppendMessageRequest(MessageRole.User, "hi", PromptTokens: 3, CompletionTokens: 4));
            await using var backend = Database.ContextFor(RlsClaims.Service);
            backend.UsageLogs.Add(UsageRecord.Create(user, "openai", "chat", null, 3, 4, 0.02m, Clock.GetUtcNow(), sessionId: session.Id, conversationId: conversation.Id));
            await backend.SaveChangesAsync();
        }

        await using var db = Database.ContextFor(RlsClaims.ForUser(alice));

        Assert.Equal([alice], (await db.SessionSummaries.ToListAsync()).Select(r => r.UserId));
        Assert.Equal([alice], (await db.UserAnalytics.ToListAsync()).Select(r => r.UserId));
        Assert.All(await db.RecentActivity.ToListAsync(), r => Assert.Equal(alice, r.UserId));
        Assert.Equal([alice], (await db.DraftValidationStats.ToListAsync()).Select(r => r.UserId));
        var summary = Assert.Single(await db.ConversationSummaries.ToListAsync());
        Assert.Equal((alice, 1, 7L, 1L, 0.02m), (summary.UserId, summary.MessageCount, summary.TotalTokens, summary.UsageCalls, summary.UsageCostUsd));
        var usage = Assert.Single(await db.UserUsageSummaries.ToListAsync());
        Assert.Equal((alice, 1L, 1L, 1L), (usage.UserId, usage.Calls, usage.SessionsUsed, usage.ConversationsUsed));
    }

    [Fact]
    public async Task PromptVersionResults_ReadsWithLinq_CountingEveryUsersRunsOfEachVersion_ForAdminsAndTheBackend()
    {
        var (alice, bob, admin) = (await Database.CreateUserAsync(), await Database.CreateUserAsync(), await Database.CreateUserAsync());
        var now = Clock.GetUtcNow();
        var prompt = SystemPrompt.Create("chat", "kimi", 0, null, now);
        var first = prompt.PublishVersion("one", null, null, now);
        var second = prompt.PublishVersion("two", null, null, now);
        prompt.Activate(second, now);
        await using (var backend = Database.ContextFor(RlsClaims.Service))
        {
            backend.SystemPrompts.Add(prompt);
            backend.PromptPerformance.AddRange(
                PromptPerformanceRecord.Create(alice, first.Id, 10, 100, true, now, qualityScore: 0.2),
                PromptPerformanceRecord.Create(bob, first.Id, 10, 300, false, now.AddMinutes(5), errorMessage: "timeout"),
                PromptPerformanceRecord.Create(bob, first.Id, 10, 200, true, now.AddMinutes(1)),
                PromptPerformanceRecord.Create(alice, first.Id, 10, 1_000, true, now.AddMinutes(2), qualityScore: 0.6));
            await backend.SaveChangesAsync();
        }

        await using var db = Database.ContextFor(RlsClaims.ForAdmin(admin));
        var rows = await db.PromptVersionResults.Where(r => r.PromptId == prompt.Id).OrderBy(r => r.VersionNumber).ToListAsync();

        Assert.Equal([first.Id, second.Id], rows.Select(r => r.PromptVersionId));
        Assert.Equal((4L, 3L, 0.75, 250.0, 0.4), (rows[0].Runs, rows[0].Successes, rows[0].SuccessRate, rows[0].MedianLatencyMs, rows[0].AverageQualityScore!.Value));
        Assert.Equal(now.AddMinutes(5).ToUnixTimeMilliseconds(), rows[0].LastRunAt!.Value.ToUnixTimeMilliseconds());
        Assert.Equal((0L, 0L, null, null, null, null), (rows[1].Runs, rows[1].Successes, rows[1].SuccessRate, rows[1].MedianLatencyMs, rows[1].AverageQualityScore, rows[1].LastRunAt));
    }

    [Fact]
    public async Task UserAnalyticsAndRecentActivity_IncludeFiles_ForUsersWithFilesOnly_Too()
    {
        var (alice, bob) = (await Database.CreateUserAsync(), await Database.CreateUserAsync());
        await Database.SessionWithOneOfEachAsync(alice);
        var kept = await Database.FileAsync(alice, "kept.pdf");
        var deleting = await Database.FileAsync(alice, "deleting.pdf");
        var bobsOnly = await Database.FileAsync(bob, "bob.pdf");
        await using (var owner = Database.ContextFor(RlsClaims.ForUser(alice)))
        {
            await owner.Files.Where(f => f.Id == deleting.Id).ExecuteUpdateAsync(u => u.SetProperty(f => f.Status, FileStatus.Deleting));
        }

        await using (var db = Database.ContextFor(RlsClaims.ForUser(alice)))
        {
            var analytics = Assert.Single(await db.UserAnalytics.ToListAsync());
            Assert.Equal((alice, 1L, 1L, kept.SizeBytes), (analytics.UserId, analytics.SessionCount, analytics.FileCount, analytics.FileBytes));
            Assert.NotNull(analytics.LastUploadAt);
            Assert.True(analytics.LastActivityAt >= analytics.LastUploadAt);

            var files = (await db.RecentActivity.Where(a => a.ActivityType.StartsWith("file")).ToListAsync())
                .Select(a => (a.ActivityType, a.ActivityId, a.SessionId, a.Summary)).OrderBy(a => a.Summary).ToList();
            Assert.Equal(
                [("file_deletion", deleting.Id, (Guid?)null, "deleted deleting.pdf"), ("file_upload", deleting.Id, null, "uploaded deleting.pdf"),
                    ("file_upload", kept.Id, null, "uploaded kept.pdf")],
                files);
        }

        await using (var db = Database.ContextFor(RlsClaims.ForUser(bob)))
        {
            var analytics = Assert.Single(await db.UserAnalytics.ToListAsync());
            Assert.Equal((bob, 0L, 1L, bobsOnly.SizeBytes, (DateTimeOffset?)null), (analytics.UserId, analytics.SessionCount, analytics.FileCount, analytics.FileBytes, analytics.FirstSessionAt));
            Assert.Equal(analytics.LastUploadAt, analytics.LastActivityAt);
        }
    }

    private static IEnumerable<(string View, List<string> Columns)> MappedViews()
    {
        using var db = new DomainDbContext(DomainDbContextOptions.Create("Host=localhost;Database=unused;Username=unused"));
        foreach (var entity in db.Model.GetEntityTypes().Where(e => e.GetViewName() is not null))
        {
            var view = StoreObjectIdentifier.View(entity.GetViewName()!, entity.GetViewSchema());
            yield return (entity.GetViewName()!, [.. entity.GetProperties().Select(p => p.GetColumnName(view)!)]);
        }
    }
}
