namespace Domain.Application.Prompts;

/// <summary>
/// The in-process cache of active prompts that <see cref="PromptStore.GetActiveAsync"/> reads through. A read whose
/// answer is cached and confirmed costs no round trip; a change committed anywhere (another process, psql, a REST
/// client) is served by every process at most <see cref="PromptCacheOptions.MaxStaleness"/> after its commit, through
/// a poll of one tiny query (the catalog version) rather than <c>LISTEN</c>, so it works behind a transaction-mode pooler.
/// </summary>
/// <remarks>
/// <para>How: every answer belongs to the catalog version it was read at (<see cref="ActivePromptCacheState"/>).
/// <see cref="PromptCacheRefresher"/> confirms the version every half of the allowed staleness; a changed version drops
/// every answer. A read that finds no confirmation young enough (no refresher running, or its polls failing) reads the
/// prompt and the version from the database in one statement, which confirms the version for every other key as well.
/// A miss is one round trip: the answer and the version in one statement.</para>
/// <para>The bound is kept strictly: when the database cannot be reached, a stale read fails (the error is thrown)
/// instead of serving an answer that may be older than promised. Concurrent misses of one key each read; misses happen
/// once per key after each change, so they are few. Registered by <c>AddDomainApplication</c> as a singleton.</para>
/// </remarks>
public sealed class ActivePromptCache
{
    private readonly IActivePromptSource _source;
    private readonly ActivePromptCacheState _state;

    internal ActivePromptCache(IActivePromptSource source, TimeSpan maxStaleness, TimeProvider time)
    {
        _source = source;
        _state = new ActivePromptCacheState(maxStaleness, time);
    }

    /// <summary>The catalog version the cached answers belong to; null before the first read.</summary>
    internal long? CatalogVersion => _state.CatalogVersion;

    /// <summary>The active prompt of <paramref name="toolName"/> and <paramref name="provider"/>; null when there is none.</summary>
    internal ValueTask<ActivePromptDto?> GetAsync(string toolName, string provider, CancellationToken cancellationToken)
    {
        var key = new PromptKey(toolName, provider);
        return _state.Find(key, out var prompt) == CacheLookup.Hit
            ? ValueTask.FromResult(prompt)
            : new ValueTask<ActivePromptDto?>(LoadAsync(key, cancellationToken));
    }

    /// <summary>
    /// Confirms the catalog version (or drops every answer when it moved): one tiny query. Nothing when the cache was
    /// never read: an idle process polls nothing.
    /// </summary>
    internal async Task RefreshAsync(CancellationToken cancellationToken)
    {
        if (!_state.HasGeneration)
        {
            return;
        }

        var sentAt = _state.Now();
        var version = await _source.ReadCatalogVersionAsync(cancellationToken);
        _state.ObserveCatalogVersion(version, sentAt);
    }

    private async Task<ActivePromptDto?> LoadAsync(PromptKey key, CancellationToken cancellationToken)
    {
        var sentAt = _state.Now();
        var (prompt, version) = await _source.ReadActiveAsync(key, cancellationToken);
        _state.ObserveLoaded(key, prompt, version, sentAt);
        return prompt;
    }
}
