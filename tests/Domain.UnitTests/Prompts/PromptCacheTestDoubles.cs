using Domain.Application.Prompts;

namespace Domain.UnitTests.Prompts;

/// <summary>A catalog in memory standing in for the database: what is active, the catalog version, and how often each was read.</summary>
internal sealed class FakePromptCatalog : IActivePromptSource
{
    private readonly Dictionary<PromptKey, ActivePromptDto> _active = [];

    public long Version { get; private set; } = 1;

    public int CatalogReads { get; private set; }

    public int PromptReads { get; private set; }

    /// <summary>When set, every read throws it, as an unreachable database would.</summary>
    public Exception? Failure { get; set; }

    /// <summary>Activates <paramref name="content"/> for the key, as a commit elsewhere would: the catalog version moves.</summary>
    public ActivePromptDto Activate(string toolName, string provider, string content)
    {
        var key = new PromptKey(toolName, provider);
        var number = _active.TryGetValue(key, out var previous) ? previous.VersionNumber + 1 : 1;
        var prompt = new ActivePromptDto(
            Guid.CreateVersion7(), toolName, provider, 0, Guid.CreateVersion7(), number, content, Domain.Prompts.PromptVersion.HashOf(content),
            DateTimeOffset.UnixEpoch);
        _active[key] = prompt;
        Version++;
        return prompt;
    }

    /// <summary>The catalog version as a restored database would have it: another value, not a higher one.</summary>
    public void ResetVersion(long version) => Version = version;

    public Task<long> ReadCatalogVersionAsync(CancellationToken cancellationToken)
    {
        CatalogReads++;
        return Failure is null ? Task.FromResult(Version) : Task.FromException<long>(Failure);
    }

    public Task<(ActivePromptDto? Prompt, long CatalogVersion)> ReadActiveAsync(PromptKey key, CancellationToken cancellationToken)
    {
        PromptReads++;
        return Failure is null
            ? Task.FromResult<(ActivePromptDto?, long)>((_active.GetValueOrDefault(key), Version))
            : Task.FromException<(ActivePromptDto?, long)>(Failure);
    }
}
