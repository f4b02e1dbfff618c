using System.Collections.Concurrent;

namespace Domain.Application.Prompts;

/// <summary>An active prompt's key: the tool and the provider, compared ordinally, as stored.</summary>
internal readonly record struct PromptKey(string ToolName, string Provider);

/// <summary>What the cache may answer for a key without asking the database.</summary>
internal enum CacheLookup
{
    /// <summary>A cached answer (a prompt, or "none") confirmed recently enough to serve.</summary>
    Hit,

    /// <summary>Nothing cached for the key; the catalog was confirmed recently enough.</summary>
    Miss,

    /// <summary>The catalog was not confirmed within the allowed staleness (or never): ask the database.</summary>
    Stale,
}

/// <summary>
/// The staleness logic of <see cref="ActivePromptCache"/>, without I/O. Cached answers belong to a generation: the
/// catalog version they were read at (<c>domain_private.prompt_catalog_version</c>, which moves in commit order with
/// every change to a prompt) and the latest time that version was confirmed current. An observation of the catalog
/// version, by a poll or with a loaded answer, carries the time its query was sent; every change committed before
/// then is in what it read. So a generation confirmed at time <c>t</c> holds every change committed before <c>t</c>,
/// and answers are served only while <c>t</c> is at most <c>maxStaleness</c> old.
/// </summary>
/// <remarks>
/// Times are <see cref="TimeProvider.GetTimestamp"/> values (monotonic). An observation of the same version moves the
/// confirmation forward; one of another version replaces the generation (and drops every cached answer) unless it was
/// sent before the current generation was last confirmed, in which case it may be older than what is known and is
/// ignored. Versions are compared for equality only, so a catalog reset (a restored database) is a change like any other.
/// </remarks>
internal sealed class ActivePromptCacheState
{
    /// <summary>The most answers one generation keeps; beyond it answers are served but not cached (keys come from code, not users).</summary>
    public const int MaxEntries = 10_000;

    private readonly TimeProvider _time;
    private readonly long _maxStaleness;
    private Generation? _current;

    public ActivePromptCacheState(TimeSpan maxStaleness, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxStaleness, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _maxStaleness = (long)(maxStaleness.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>Whether anything was ever observed (an idle cache has nothing to keep confirmed).</summary>
    public bool HasGeneration => Volatile.Read(ref _current) is not null;

    /// <summary>The catalog version the cached answers belong to; null before the first observation.</summary>
    public long? CatalogVersion => Volatile.Read(ref _current)?.Version;

    /// <summary>The time to stamp a query with, taken just before it is sent.</summary>
    public long Now() => _time.GetTimestamp();

    /// <summary>What may be served for <paramref name="key"/> now; <paramref name="prompt"/> is the answer on a hit (null: there is none).</summary>
    public CacheLookup Find(PromptKey key, out ActivePromptDto? prompt)
    {
        prompt = null;
        var generation = Volatile.Read(ref _current);
        if (generation is null || _time.GetTimestamp() - generation.ConfirmedAt > _maxStaleness)
        {
            return CacheLookup.Stale;
        }

        return generation.Answers.TryGetValue(key, out prompt) ? CacheLookup.Hit : CacheLookup.Miss;
    }

    /// <summary>A poll read <paramref name="version"/> with a query sent at <paramref name="sentAt"/>.</summary>
    public void ObserveCatalogVersion(long version, long sentAt) => Observe(version, sentAt);

    /// <summary>
    /// A load read <paramref name="prompt"/> for <paramref name="key"/> (null: none is active) at catalog version
    /// <paramref name="version"/>, with a query sent at <paramref name="sentAt"/>; cached when that version is current.
    /// </summary>
    public void ObserveLoaded(PromptKey key, ActivePromptDto? prompt, long version, long sentAt)
    {
        if (Observe(version, sentAt) is { } generation && (generation.Answers.Count < MaxEntries || generation.Answers.ContainsKey(key)))
        {
            generation.Answers[key] = prompt;
        }
    }

    /// <summary>Applies an observation; returns the generation of <paramref name="version"/> when it is the current one.</summary>
    private Generation? Observe(long version, long sentAt)
    {
        while (true)
        {
            var current = Volatile.Read(ref _current);
            if (current is not null && current.Version == version)
            {
                current.Confirm(sentAt);
                return current;
            }

            if (current is not null && sentAt < current.ConfirmedAt)
            {
                return null;
            }

            var next = new Generation(version, sentAt);
            if (ReferenceEquals(Interlocked.CompareExchange(ref _current, next, current), current))
            {
                return next;
            }
        }
    }

    /// <summary>The answers read at one catalog version, and when that version was last confirmed current.</summary>
    private sealed class Generation(long version, long confirmedAt)
    {
        private long _confirmedAt = confirmedAt;

        public long Version { get; } = version;

        public long ConfirmedAt => Volatile.Read(ref _confirmedAt);

        public ConcurrentDictionary<PromptKey, ActivePromptDto?> Answers { get; } = new();

        public void Confirm(long sentAt)
        {
            var seen = ConfirmedAt;
            while (sentAt > seen)
            {
                var previous = Interlocked.CompareExchange(ref _confirmedAt, sentAt, seen);
                if (previous == seen)
                {
                    return;
                }

                seen = previous;
            }
        }
    }
}
