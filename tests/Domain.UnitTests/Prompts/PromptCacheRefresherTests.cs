using Domain.Application.Prompts;
using Domain.UnitTests.Usage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Domain.UnitTests.Prompts;

public sealed class PromptCacheRefresherTests
{
    private static readonly TimeSpan MaxStaleness = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task TheRefresher_ConfirmsTheCatalogEveryHalfOfMaxStaleness_AndKeepsGoingAfterAFailedPoll()
    {
        var time = new WatchedFakeTimeProvider();
        var catalog = new FakePromptCatalog();
        catalog.Activate("chat", "kimi", "one");
        var cache = new ActivePromptCache(catalog, MaxStaleness, time);
        await cache.GetAsync("chat", "kimi", default);
        var log = new CapturingLogger();
        using var loggers = new LoggerFactory([log]);
        using var refresher = new PromptCacheRefresher(
            cache, time, Options.Create(new PromptCacheOptions { MaxStaleness = MaxStaleness }), loggers.CreateLogger<PromptCacheRefresher>());

        await refresher.StartAsync(default);
        await time.WaitForTimerAsync();
        time.Advance(MaxStaleness / 2);
        await time.WaitForTimerAsync();
        Assert.Equal(1, catalog.CatalogReads);

        catalog.Failure = new NpgsqlException("connection refused");
        time.Advance(MaxStaleness / 2);
        await time.WaitForTimerAsync();
        catalog.Failure = null;
        time.Advance(MaxStaleness / 2);
        await time.WaitForTimerAsync();
        await refresher.StopAsync(default);

        Assert.Equal(3, catalog.CatalogReads);
        var warning = Assert.Single(log.Entries);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.IsType<NpgsqlException>(warning.Exception);
        Assert.Equal(1, catalog.PromptReads);
    }
}
