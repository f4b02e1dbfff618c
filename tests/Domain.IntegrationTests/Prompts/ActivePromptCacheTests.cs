using Domain.Application;
using Domain.Application.Common;
using Domain.Application.Prompts;
using Domain.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Domain.IntegrationTests.Prompts;

/// <summary>
/// The cache of active prompts on the real database, each service provider standing for one process with its own
/// cache and its own clock (a fake one: the bound is shown by moving the clock, never by waiting). What is counted is
/// the commands the process sends.
/// </summary>
public sealed class ActivePromptCacheTests(MigratedDatabase database) : DatabaseTest(database)
{
    private static readonly TimeSpan MaxStaleness = TimeSpan.FromSeconds(5);

    private readonly List<ServiceProvider> _processes = [];

    public override async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    [Fact]
    public async Task AnActivationMadeWithPsql_IsServedOnceMaxStalenessHasPassed_AndUntilThenReadsCostNoRoundTrip()
    {
        var admin = Caller.Admin(await Database.CreateUserAsync());
        var (store, commands, clock) = StartProcess();
        await store.StoreVersionAsync(admin, new StorePromptVersionRequest("chat", "kimi", "one"));
        await store.StoreVersionAsync(admin, new StorePromptVersionRequest("chat", "kimi", "two"));
        var reader = Caller.User(await Database.CreateUserAsync());

        Assert.Equal("one", (await store.GetActiveAsync(reader, "chat", "kimi"))!.Content);
        commands.Clear();
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal("one", (await store.GetActiveAsync(reader, "chat", "kimi"))!.Content);
        }

        Assert.Empty(commands.Commands);

        // Another connection, outside the layer: psql as the owner.
        await TestServer.ExecuteAsync(
            Database.AdminConnectionString, "UPDATE public.system_prompts SET active_version_number = 2, activated_at = now() WHERE tool_name = 'chat'");

        clock.Advance(MaxStaleness);
        Assert.Equal("one", (await store.GetActiveAsync(reader, "chat", "kimi"))!.Content);
        Assert.Empty(commands.Commands);

        clock.Advance(TimeSpan.FromTicks(1));
        Assert.Equal("two", (await store.GetActiveAsync(reader, "chat", "kimi"))!.Content);
        Assert.Single(commands.Commands);
    }

    [Fact]
    public async Task AnActivationInAnotherProcess_ReachesThisOne_AtItsNextRefresh()
    {
        var admin = Caller.Admin(await Database.CreateUserAsync());
        var (here, commands, _) = StartProcess();
        var (there, _, _) = StartProcess();
        await there.StoreVersionAsync(admin, new StorePromptVersionRequest("chat", "kimi", "one"));
        await there.StoreVersionAsync(admin, new StorePromptVersionRequest("chat", "kimi", "two"));
        await here.GetActiveAsync(admin, "chat", "kimi");
        var cache = _processes[0].GetRequiredService<ActivePromptCache>();

        await there.ActivateAsync(admin, new ActivatePromptVersionRequest("chat", "kimi", 2));
        Assert.Equal("one", (await here.GetActiveAsync(admin, "chat", "kimi"))!.Content);

        commands.Clear();
        await cache.RefreshAsync(default);
        Assert.Equal("two", (await here.GetActiveAsync(admin, "chat", "kimi"))!.Content);
        Assert.Equal("two", (await here.GetActiveAsync(admin, "chat", "kimi"))!.Content);

        // The refresher's poll, then one miss: the catalog version moved, so the cached answer went.
        Assert.Equal(2, commands.Commands.Count);
    }

    [Fact]
    public async Task ARefreshThatFindsNoChange_KeepsTheAnswers_EvenAcrossChangesThatRolledBack()
    {
        var admin = Caller.Admin(await Database.CreateUserAsync());
        var (store, commands, clock) = StartProcess();
        await store.StoreVersionAsync(admin, new StorePromptVersionRequest("chat", "kimi", "one"));
        await store.GetActiveAsync(admin, "chat", "kimi");
        var cache = _processes[0].GetRequiredService<ActivePromptCache>();
        var version = cache.CatalogVersion;

        await TestServer.ExecuteAsync(Database.AdminConnectionString, """
            BEGIN;
            UPDATE public.system_prompts SET tier = 3;
            ROLLBACK;
            """);
        clock.Advance(MaxStaleness - TimeSpan.FromSeconds(1));
        commands.Clear();
        await cache.RefreshAsync(default);
        clock.Advance(MaxStaleness - TimeSpan.FromSeconds(1));
        await store.GetActiveAsync(admin, "chat", "kimi");

        Assert.Equal(version, cache.CatalogVersion);
        Assert.Single(commands.Commands);
    }

    /// <summary>One "process": its own services, cache and fake clock, counting the commands it sends.</summary>
    private (PromptStore Store, CommandCounter Commands, FakeTimeProvider Clock) StartProcess()
    {
        var commands = new CommandCounter();
        var clock = new FakeTimeProvider(Clock.GetUtcNow());
        var services = new ServiceCollection()
            .AddSingleton(commands.ContextsFor(Database.AppConnectionString))
            .AddSingleton<TimeProvider>(clock)
            .AddDomainApplication()
            .Configure<PromptCacheOptions>(o => o.MaxStaleness = MaxStaleness)
            .BuildServiceProvider();
        _processes.Add(services);
        return (services.GetRequiredService<PromptStore>(), commands, clock);
    }
}
