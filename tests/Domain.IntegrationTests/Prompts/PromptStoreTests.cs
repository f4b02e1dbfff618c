using System.Collections.Concurrent;
using Domain.Application;
using Domain.Application.Common;
using Domain.Application.Prompts;
using Domain.Common;
using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence.Errors;
using Domain.Persistence.Prompts;
using Domain.Persistence.Rls;
using Domain.Prompts;
using FluentValidation;
using Microsoft.Extensions.DependencyInjection;

namespace Domain.IntegrationTests.Prompts;

/// <summary>
/// <see cref="PromptStore"/> as the application layer registers it: storing versions, activating under concurrency,
/// rolling back, listing with results.
/// </summary>
public sealed class PromptStoreTests : DatabaseTest
{
    private const int Activators = 16;

    private readonly ServiceProvider _services;
    private readonly PromptStore _store;
    private Guid _admin;

    public PromptStoreTests(MigratedDatabase database)
        : base(database)
    {
        _services = new ServiceCollection().AddSingleton(database.Contexts).AddDomainApplication().BuildServiceProvider();
        _store = _services.GetRequiredService<PromptStore>();
    }

    private Caller Admin => Caller.Admin(_admin);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _admin = await Database.CreateUserAsync("admin@example.test");
    }

    public override async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task StoreVersion_ForANewPrompt_CreatesItWithThatVersionActive_AndTheAdminAsAuthor()
    {
        var stored = await _store.StoreVersionAsync(Admin, new StorePromptVersionRequest(
            "code-review", "kimi", "Review the diff.", "first cut", Tier: 2, Description: "reviews code"));

        Assert.True(stored.IsNew);
        Assert.Equal(("code-review", "kimi", 2, "reviews code", 1, 1), (stored.Prompt.ToolName, stored.Prompt.Provider, stored.Prompt.Tier,
            stored.Prompt.Description, stored.Prompt.ActiveVersionNumber, stored.Prompt.LastVersionNumber));
        Assert.Equal((1, "Review the diff.", PromptVersion.HashOf("Review the diff."), "first cut", (Guid?)_admin),
            (stored.Version.VersionNumber, stored.Version.Content, stored.Version.ContentHash, stored.Version.Notes, stored.Version.AuthorId));
        Assert.Equal(_admin, await Database.ScalarAsync<Guid>("SELECT author_id FROM public.prompt_versions"));
    }

    [Fact]
    public async Task StoreVersion_PublishesWithoutActivating_UnlessAsked_AndTheSameContentIsStoredOnce()
    {
        await _store.StoreVersionAsync(Admin, new StorePromptVersionRequest("chat", "glm", "one"));

        var second = await _store.StoreVersionAsync(Admin, new StorePromptVersionRequest("chat", "glm", "two"));
        var again = await _store.StoreVersionAsync(Admin, new StorePromptVersionRequest("chat", "glm", "two", Activate: true));
        var first = await _store.StoreVersionAsync(Caller.Service, new StorePromptVersionRequest("chat", "glm", "one"));

        Assert.Equal((true, 1), (second.IsNew, second.Prompt.ActiveVersionNumber));
        Assert.Equal((false, 2, 2), (again.IsNew, again.Version.VersionNumber, again.Prompt.ActiveVersionNumber));
        Assert.Equal((false, 1, (Guid?)_admin), (first.IsNew, first.Version.VersionNumber, first.Version.AuthorId));
        Assert.Equal(2L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.prompt_versions"));
    }

    [Fact]
    public async Task SixteenConcurrentStores_OfOneNewPrompt_EndWithOnePrompt_AndEveryVersionPublishedOrARetryableConflict()
    {
        var failures = new ConcurrentBag<Exception>();
        var stored = new ConcurrentBag<StoredPromptVersionDto>();

        await Task.WhenAll(Enumerable.Range(0, Activators).Select(i => Task.Run(async () =>
        {
            try
            {
                stored.Add(await _store.StoreVersionAsync(Admin, new StorePromptVersionRequest("chat", "kimi", i % 2 == 0 ? "even" : "odd")));
            }
            catch (Exception ex)
            {
                failures.Add(ex);
            }
        })));

        Assert.All(failures, ex => Assert.True(ex is ConcurrencyConflictException { IsRetryable: true }, ex.ToString()));
        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.system_prompts"));
        Assert.Equal(stored.Select(s => s.Version.Id).Distinct().Count(), await Database.ScalarAsync<long>("SELECT count(*) FROM public.prompt_versions"));
        Assert.Equal(1, await Database.ScalarAsync<int>("SELECT active_version_number FROM public.system_prompts"));
    }

    [Fact]
    public async Task SixteenConcurrentActivations_OfDifferentVersions_LeaveExactlyOneActive_TheOthersGetARetryableConflict()
    {
        // Version 1 is active; versions 2..17 are each activated once, all at the same time.
        await PublishAsync("chat", "kimi", Activators + 1);
        var failures = new ConcurrentBag<Exception>();
        var winners = new ConcurrentBag<int>();

        await Task.WhenAll(Enumerable.Range(2, Activators).Select(number => Task.Run(async () =>
        {
            try
            {
                await _store.ActivateAsync(Admin, new ActivatePromptVersionRequest("chat", "kimi", number));
                winners.Add(number);
            }
            catch (Exception ex)
            {
                failures.Add(ex);
            }
        })));

        Assert.All(failures, ex => Assert.True(ex is ConcurrencyConflictException { IsRetryable: true }, ex.ToString()));
        Assert.NotEmpty(winners);
        Assert.Equal(Activators, winners.Count + failures.Count);
        var active = await Database.ScalarAsync<int>("SELECT active_version_number FROM public.system_prompts");
        Assert.Contains(active, winners);
        Assert.Equal(Activators + 1, await Database.ScalarAsync<long>("SELECT count(*) FROM public.prompt_versions"));
    }

    [Fact]
    public async Task SixteenActivations_ThatReadThePromptBeforeAnyCommitted_OneWins_AndFifteenGetARetryableConflict()
    {
        await PublishAsync("chat", "kimi", Activators + 1);
        var allRead = new Barrier(Activators);
        var failures = new ConcurrentBag<Exception>();
        var winners = new ConcurrentBag<int>();

        await Task.WhenAll(Enumerable.Range(2, Activators).Select(number => Task.Run(async () =>
        {
            await using var db = Database.ContextFor(RlsClaims.ForAdmin(_admin));
            var prompt = (await db.FindPromptAsync("chat", "kimi"))!;
            var version = (await db.FindPromptVersionAsync(prompt.Id, number))!;
            prompt.Activate(version, Clock.GetUtcNow());
            allRead.SignalAndWait(TimeSpan.FromMinutes(1));
            try
            {
                await db.SaveChangesAsync();
                winners.Add(number);
            }
            catch (Exception ex)
            {
                failures.Add(ex);
            }
        })));

        var winner = Assert.Single(winners);
        Assert.Equal(Activators - 1, failures.Count);
        Assert.All(failures, ex => Assert.True(ex is ConcurrencyConflictException { IsRetryable: true }, ex.ToString()));
        Assert.Equal(winner, await Database.ScalarAsync<int>("SELECT active_version_number FROM public.system_prompts"));
    }

    [Fact]
    public async Task RollBack_ActivatesTheNewestEarlierVersion_KeepsEveryVersion_AndCanRollForwardAgain()
    {
        await PublishAsync("chat", "kimi", 3);
        await _store.ActivateAsync(Admin, new ActivatePromptVersionRequest("chat", "kimi", 3));

        var back = await _store.RollBackAsync(Admin, new RollBackPromptRequest("chat", "kimi"));
        var further = await _store.RollBackAsync(Admin, new RollBackPromptRequest("chat", "kimi", ToVersionNumber: 1));
        var forward = await _store.ActivateAsync(Admin, new ActivatePromptVersionRequest("chat", "kimi", 3));

        Assert.Equal((2, 1, 3), (back.ActiveVersionNumber, further.ActiveVersionNumber, forward.ActiveVersionNumber));
        var versions = await _store.ListVersionsAsync(Admin, new PromptVersionsRequest("chat", "kimi"));
        Assert.Equal([3, 2, 1], versions.Select(v => v.VersionNumber));
        Assert.Equal([true, false, false], versions.Select(v => v.IsActive));
        Assert.Equal(3, forward.LastVersionNumber);
    }

    [Fact]
    public async Task RollBack_WithNoEarlierVersion_OrToALaterOne_ThrowsTheModelsError_AndChangesNothing()
    {
        await PublishAsync("chat", "kimi", 2);

        var none = await Assert.ThrowsAsync<DomainException>(() => _store.RollBackAsync(Admin, new RollBackPromptRequest("chat", "kimi")));
        var later = await Assert.ThrowsAsync<DomainException>(() => _store.RollBackAsync(Admin, new RollBackPromptRequest("chat", "kimi", 2)));

        Assert.Equal(("prompt.no_earlier_version", "version_number.not_earlier"), (none.Code, later.Code));
        Assert.Equal(1, await Database.ScalarAsync<int>("SELECT active_version_number FROM public.system_prompts"));
    }

    [Fact]
    public async Task AnUnknownPromptOrVersion_IsNotFound()
    {
        await PublishAsync("chat", "kimi", 1);

        var prompt = await Assert.ThrowsAsync<NotFoundException>(() => _store.ActivateAsync(Admin, new ActivatePromptVersionRequest("chat", "glm", 1)));
        var version = await Assert.ThrowsAsync<NotFoundException>(() => _store.ActivateAsync(Admin, new ActivatePromptVersionRequest("chat", "kimi", 7)));
        var listed = await Assert.ThrowsAsync<NotFoundException>(() => _store.ListVersionsAsync(Admin, new PromptVersionsRequest("review", "kimi")));

        Assert.Equal(("SystemPrompt", "chat/glm"), (prompt.Entity, prompt.Key));
        Assert.Equal(("PromptVersion", "chat/kimi version 7"), (version.Entity, version.Key));
        Assert.Equal("review/kimi", listed.Key);
    }

    [Fact]
    public async Task AnInvalidRequest_IsRefusedBeforeTheDatabase_AndWritesNothing()
    {
        var ex = await Assert.ThrowsAsync<ValidationException>(() => _store.StoreVersionAsync(
            Admin, new StorePromptVersionRequest(" chat", "kimi", "text\0", Tier: 9)));

        Assert.Equal(
            [nameof(StorePromptVersionRequest.Content), nameof(StorePromptVersionRequest.Tier), nameof(StorePromptVersionRequest.ToolName)],
            ex.Errors.Select(e => e.PropertyName).Distinct().Order());
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.system_prompts"));
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.prompt_versions"));
    }

    [Fact]
    public async Task ListVersions_ShowsResultsToAdminsAndTheBackend_AndNotToUsers()
    {
        await PublishAsync("chat", "kimi", 2);
        var alice = await Database.CreateUserAsync();
        var versions = await _store.ListVersionsAsync(Admin, new PromptVersionsRequest("chat", "kimi"));
        await using (var backend = Database.ContextFor(RlsClaims.Service))
        {
            var first = versions.Single(v => v.VersionNumber == 1).Id;
            backend.PromptPerformance.AddRange(
                PromptPerformanceRecord.Create(alice, first, 100, 200, true, Clock.GetUtcNow(), qualityScore: 0.5),
                PromptPerformanceRecord.Create(alice, first, 100, 400, true, Clock.GetUtcNow(), qualityScore: 1.0),
                PromptPerformanceRecord.Create(alice, first, 100, 900, false, Clock.GetUtcNow(), errorMessage: "timeout"));
            await backend.SaveChangesAsync();
        }

        var asAdmin = await _store.ListVersionsAsync(Admin, new PromptVersionsRequest("chat", "kimi"));
        var asService = await _store.ListVersionsAsync(Caller.Service, new PromptVersionsRequest("chat", "kimi"));
        var asUser = await _store.ListVersionsAsync(Caller.User(alice), new PromptVersionsRequest("chat", "kimi"));

        var results = asAdmin.Single(v => v.VersionNumber == 1).Results!;
        Assert.Equal((3L, 2L, 400.0, 0.75), (results.Runs, results.Successes, results.MedianLatencyMs, results.AverageQualityScore));
        Assert.Equal(2.0 / 3, results.SuccessRate!.Value, 10);
        Assert.Equal((0L, null, null), (asAdmin.Single(v => v.VersionNumber == 2).Results!.Runs, asAdmin.Single(v => v.VersionNumber == 2).Results!.SuccessRate,
            asAdmin.Single(v => v.VersionNumber == 2).Results!.MedianLatencyMs));
        Assert.Equal(results, asService.Single(v => v.VersionNumber == 1).Results);
        Assert.All(asUser, v => Assert.Null(v.Results));
        Assert.Equal(asAdmin.Select(v => (v.Id, v.ContentHash, v.ContentLength)), asUser.Select(v => (v.Id, v.ContentHash, v.ContentLength)));
    }

    [Fact]
    public async Task ListAndGetActive_ForSignedInCallers_AndNothingForAnon()
    {
        await PublishAsync("chat", "kimi", 2);
        await PublishAsync("review", "glm", 1);
        var user = Caller.User(await Database.CreateUserAsync());

        var listed = await _store.ListAsync(user);
        var active = await _store.GetActiveAsync(user, "chat", "kimi");

        Assert.Equal([("chat", "kimi"), ("review", "glm")], listed.Select(p => (p.ToolName, p.Provider)));
        Assert.Equal((1, "chat/kimi v1"), (active!.VersionNumber, active.Content));
        Assert.Null(await _store.GetActiveAsync(user, "chat", "nobody"));
        Assert.Empty(await _store.ListAsync(Caller.Anonymous));
        Assert.Null(await _store.GetActiveAsync(Caller.Anonymous, "chat", "kimi"));
    }

    /// <summary>Publishes versions 1..<paramref name="count"/> ("tool/provider vN") of a prompt as the admin; version 1 is active.</summary>
    private async Task PublishAsync(string toolName, string provider, int count)
    {
        for (var n = 1; n <= count; n++)
        {
            await _store.StoreVersionAsync(Admin, new StorePromptVersionRequest(toolName, provider, $"{toolName}/{provider} v{n}"));
        }
    }
}
