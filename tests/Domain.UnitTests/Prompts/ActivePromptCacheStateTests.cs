using Domain.Application.Prompts;
using Microsoft.Extensions.Time.Testing;

namespace Domain.UnitTests.Prompts;

/// <summary>The rules that decide which observation of the catalog version counts, with times the test sets.</summary>
public sealed class ActivePromptCacheStateTests
{
    private static readonly PromptKey Chat = new("chat", "kimi");
    private static readonly PromptKey Review = new("review", "glm");

    private readonly FakeTimeProvider _time = new();
    private readonly ActivePromptCacheState _state;

    public ActivePromptCacheStateTests() => _state = new ActivePromptCacheState(TimeSpan.FromSeconds(5), _time);

    [Fact]
    public void BeforeAnyObservation_EveryKeyIsStale()
    {
        Assert.Equal(CacheLookup.Stale, _state.Find(Chat, out _));
        Assert.False(_state.HasGeneration);
    }

    [Fact]
    public void ALoadedAnswer_IsAHit_AndAnotherKeyAMiss()
    {
        var sent = _state.Now();
        _state.ObserveLoaded(Chat, Prompt("one"), version: 7, sent);

        Assert.Equal(CacheLookup.Hit, _state.Find(Chat, out var prompt));
        Assert.Equal("one", prompt!.Content);
        Assert.Equal(CacheLookup.Miss, _state.Find(Review, out _));
    }

    [Fact]
    public void TheBound_IsCountedFromWhenTheConfirmingQueryWasSent_NotFromWhenItsAnswerCame()
    {
        var sent = _state.Now();
        _time.Advance(TimeSpan.FromSeconds(2));
        _state.ObserveLoaded(Chat, Prompt("one"), version: 7, sent);

        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(CacheLookup.Hit, _state.Find(Chat, out _));
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(CacheLookup.Stale, _state.Find(Chat, out _));
    }

    [Fact]
    public void AnOlderObservationOfAnotherVersion_IsIgnored()
    {
        var older = _state.Now();
        _time.Advance(TimeSpan.FromSeconds(1));
        _state.ObserveLoaded(Chat, Prompt("new"), version: 8, _state.Now());

        _state.ObserveLoaded(Chat, Prompt("old"), version: 7, older);

        Assert.Equal(8, _state.CatalogVersion);
        Assert.Equal(CacheLookup.Hit, _state.Find(Chat, out var prompt));
        Assert.Equal("new", prompt!.Content);
    }

    [Fact]
    public void ANewerObservationOfAnotherVersion_ReplacesTheGeneration_DroppingItsAnswers()
    {
        _state.ObserveLoaded(Chat, Prompt("one"), version: 7, _state.Now());
        _time.Advance(TimeSpan.FromSeconds(1));

        _state.ObserveLoaded(Review, Prompt("look"), version: 8, _state.Now());

        Assert.Equal(CacheLookup.Miss, _state.Find(Chat, out _));
        Assert.Equal(CacheLookup.Hit, _state.Find(Review, out _));
    }

    [Fact]
    public void AnOlderObservationOfTheSameVersion_KeepsTheLaterConfirmation()
    {
        var older = _state.Now();
        _time.Advance(TimeSpan.FromSeconds(3));
        _state.ObserveCatalogVersion(7, _state.Now());
        _state.ObserveLoaded(Chat, Prompt("one"), version: 7, older);

        _time.Advance(TimeSpan.FromSeconds(4));

        Assert.Equal(CacheLookup.Hit, _state.Find(Chat, out _));
    }

    [Fact]
    public void BeyondMaxEntries_AnswersAreNoLongerCached()
    {
        var sent = _state.Now();
        for (var i = 0; i < ActivePromptCacheState.MaxEntries + 5; i++)
        {
            _state.ObserveLoaded(new PromptKey($"tool-{i}", "p"), null, version: 1, sent);
        }

        Assert.Equal(CacheLookup.Hit, _state.Find(new PromptKey("tool-0", "p"), out _));
        Assert.Equal(CacheLookup.Miss, _state.Find(new PromptKey($"tool-{ActivePromptCacheState.MaxEntries}", "p"), out _));
    }

    private static ActivePromptDto Prompt(string content)
        => new(Guid.CreateVersion7(), "chat", "kimi", 0, Guid.CreateVersion7(), 1, content, Domain.Prompts.PromptVersion.HashOf(content), DateTimeOffset.UnixEpoch);
}
