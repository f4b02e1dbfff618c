using Domain.Application.Common;
using Domain.Common;
using Domain.Persistence.Prompts;

namespace Domain.Application.Prompts;

/// <summary>Where <see cref="ActivePromptCache"/> reads from: the database, or a stand-in in tests.</summary>
internal interface IActivePromptSource
{
    /// <summary>The catalog version now: one tiny query.</summary>
    Task<long> ReadCatalogVersionAsync(CancellationToken cancellationToken);

    /// <summary>The active prompt of <paramref name="key"/> (null when there is none) and the catalog version it is current at.</summary>
    Task<(ActivePromptDto? Prompt, long CatalogVersion)> ReadActiveAsync(PromptKey key, CancellationToken cancellationToken);
}

/// <summary>
/// Reads active prompts and the catalog version as the service role, each in one statement: prompts are shared
/// reference data that every signed-in caller may read, and the cache serves them to every such caller
/// (<see cref="PromptStore.GetActiveAsync"/> answers anon with none, as its row-level security would).
/// </summary>
internal sealed class DatabaseActivePromptSource(RequestPipeline pipeline) : IActivePromptSource
{
    public Task<long> ReadCatalogVersionAsync(CancellationToken cancellationToken)
        => pipeline.RunAsync(Caller.Service, (db, ct) => db.ReadPromptCatalogVersionAsync(ct), cancellationToken);

    public Task<(ActivePromptDto? Prompt, long CatalogVersion)> ReadActiveAsync(PromptKey key, CancellationToken cancellationToken)
    {
        foreach (var (value, name) in new[] { (key.ToolName, "toolName"), (key.Provider, "provider") })
        {
            if (StorableText.Problem(value) is { } problem)
            {
                throw new ArgumentException($"{name} {problem}.", name);
            }
        }

        return pipeline.RunAsync(Caller.Service, async (db, ct) =>
        {
            var row = await db.ReadActivePromptAsync(key.ToolName, key.Provider, ct);
            var prompt = row is { PromptId: { } promptId, VersionId: { } versionId }
                ? new ActivePromptDto(
                    promptId, row.ToolName!, row.Provider!, row.Tier!.Value, versionId, row.VersionNumber!.Value, row.Content!, row.ContentHash!,
                    row.ActivatedAt!.Value)
                : null;
            return (prompt, row.CatalogVersion);
        }, cancellationToken);
    }
}
