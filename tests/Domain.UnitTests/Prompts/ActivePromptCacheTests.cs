using Domain.Application.Prompts;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Domain.UnitTests.Prompts;

/// <summary>
/// The cache of active prompts against a catalog in memory and a clock that moves only when told: what costs a round
/// trip, and how long a change made elsewhere can go unseen.
/// </summary>
public sealed class ActivePromptCacheTests
{
    private static readonly TimeSpan MaxStaleness = TimeSpan.FromSeconds(5);

    private readonly FakeTimeProvider _time = new();
    private readonly FakePromptCatalog _catalog = new();
    private readonly ActivePromptCache _cache;

    public ActivePromptCacheTests() => _cache = new ActivePromptCache(_catalog, MaxStaleness, _time);

    [Fact]
    public async Task TheFirstRead_AsksTheDatabaseOnce_AndLaterReadsCostNoRoundTrip()
    {
        var active = _catalog.Activate("chat", "kimi", "Be brief.");

        var first = await _cache.GetAsync("chat", "kimi", default);
        _time.Advance(TimeSpan.FromSeconds(1));
        var second = _cache.GetAsync("chat", "kimi", default);

        Assert.Equal(active, first);
        Assert.True(second.IsCompletedSuccessfully);
        Assert.Same(first, await second);
        Assert.Equal((1, 0), (_catalog.PromptReads, _catalog.CatalogReads));
    }

    [Fact]
    public async Task ACachedRead_AllocatesNothing()
    {
        _catalog.Activate("chat", "kimi", "Be brief.");
        await _cache.GetAsync("chat", "kimi", default);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            var read = _cache.GetAsync("chat", "kimi", default);
            Assert.True(read.IsCompletedSuccessfully);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public async Task AKeyWithoutAnActivePrompt_IsRememberedAsNone()
    {
        Assert.Null(await _cache.GetAsync("chat", "nobody", default));
        Assert.Null(await _cache.GetAsync("chat", "nobody", default));

        Assert.Equal(1, _catalog.PromptReads);
    }

    [Fact]
    public async Task AChangeMadeElsewhere_IsServedOnceARefreshSeesIt_AndNotBefore()
    {
        _catalog.Activate("chat", "kimi", "one");
        await _cache.GetAsync("chat", "kimi", default);
        _catalog.Activate("chat", "kimi", "two");

        Assert.Equal("one", (await _cache.GetAsync("chat", "kimi", default))!.Content);
        await _cache.RefreshAsync(default);

        Assert.Equal("two", (await _cache.GetAsync("chat", "kimi", default))!.Content);
        Assert.Equal((2, 1), (_catalog.PromptReads, _catalog.CatalogReads));
    }

    [Fact]
    public async Task WithoutRefreshes_AnAnswerIsServedUpToMaxStaleness_AndTheNextReadAsksTheDatabase()
    {
        _catalog.Activate("chat", "kimi", "one");
        await _cache.GetAsync("chat", "kimi", default);
        _catalog.Activate("chat", "kimi", "two");

        _time.Advance(MaxStaleness);
        Assert.Equal("one", (await _cache.GetAsync("chat", "kimi", default))!.Content);

        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal("two", (await _cache.GetAsync("chat", "kimi", default))!.Content);
    }

    [Fact]
    public async Task ARefreshThatFindsNoChange_KeepsEveryAnswer_AndMovesTheBoundForward()
    {
        _catalog.Activate("chat", "kimi", "one");
        await _cache.GetAsync("chat", "kimi", default);

        _time.Advance(TimeSpan.FromSeconds(4));
        await _cache.RefreshAsync(default);
        _time.Advance(TimeSpan.FromSeconds(4));
        var read = _cache.GetAsync("chat", "kimi", default);

        Assert.True(read.IsCompletedSuccessfully);
        Assert.Equal((1, 1), (_catalog.PromptReads, _catalog.CatalogReads));
    }

    [Fact]
    public async Task AStaleReadOfOneKey_ConfirmsTheCatalogForEveryKey()
    {
        _catalog.Activate("chat", "kimi", "one");
        _catalog.Activate("review", "glm", "look closely");
        await _cache.GetAsync("chat", "kimi", default);
        await _cache.GetAsync("review", "glm", default);

        _time.Advance(MaxStaleness + TimeSpan.FromSeconds(1));
        await _cache.GetAsync("chat", "kimi", default);
        var other = _cache.GetAsync("review", "glm", default);

        Assert.True(other.IsCompletedSuccessfully);
        Assert.Equal(3, _catalog.PromptReads);
    }

    [Fact]
    public async Task AChangeOfAnyPrompt_DropsEveryAnswer()
    {
        _catalog.Activate("chat", "kimi", "one");
        _catalog.Activate("review", "glm", "look closely");
        await _cache.GetAsync("chat", "kimi", default);
        await _cache.GetAsync("review", "glm", default);

        _catalog.Activate("chat", "kimi", "two");
        await _cache.RefreshAsync(default);
        await _cache.GetAsync("chat", "kimi", default);
        await _cache.GetAsync("review", "glm", default);

        Assert.Equal(4, _catalog.PromptReads);
    }

    [Fact]
    public async Task ARestoredCatalogWhoseVersionWentDown_IsAChangeLikeAnyOther()
    {
        _catalog.Activate("chat", "kimi", "one");
        await _cache.GetAsync("chat", "kimi", default);

        _catalog.ResetVersion(0);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await _cache.RefreshAsync(default);
        await _cache.GetAsync("chat", "kimi", default);

        Assert.Equal(2, _catalog.PromptReads);
        Assert.Equal(0, _cache.CatalogVersion);
    }

    [Fact]
    public async Task AnIdleCache_PollsNothing()
    {
        await _cache.RefreshAsync(default);
        await _cache.RefreshAsync(default);

        Assert.Equal(0, _catalog.CatalogReads);
        Assert.Null(_cache.CatalogVersion);
    }

    [Fact]
    public async Task WhileTheDatabaseIsUnreachable_AFreshAnswerIsServed_AndAStaleOneIsNot()
    {
        _catalog.Activate("chat", "kimi", "one");
        await _cache.GetAsync("chat", "kimi", default);
        var unreachable = new NpgsqlException("connection refused");
        _catalog.Failure = unreachable;

        Assert.Equal("one", (await _cache.GetAsync("chat", "kimi", default))!.Content);
        await Assert.ThrowsAsync<NpgsqlException>(() => _cache.RefreshAsync(default));
        _time.Advance(MaxStaleness + TimeSpan.FromTicks(1));

        Assert.Same(unreachable, await Assert.ThrowsAsync<NpgsqlException>(() => _cache.GetAsync("chat", "kimi", default).AsTask()));
        _catalog.Failure = null;
        Assert.Equal("one", (await _cache.GetAsync("chat", "kimi", default))!.Content);
    }
}
