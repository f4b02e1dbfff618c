using Domain.Application.Common;
using Domain.Persistence;
using Domain.Persistence.Errors;
using Domain.Persistence.Prompts;
using Domain.Persistence.Rls;
using Domain.Prompts;
using Mapster;
using Microsoft.EntityFrameworkCore;

namespace Domain.Application.Prompts;

/// <summary>
/// Use cases of the SystemPrompt aggregate (seed 004's <c>SupabasePromptManager</c>), each acting for one caller through
/// <see cref="RequestPipeline"/>. Prompts are shared reference data: every signed-in caller reads them, admins and the
/// backend write them (a signed-in user's write is refused by the database: <see cref="RlsViolationException"/>), anon
/// reads nothing. Two writers of one prompt at once: the first to commit wins, the other gets
/// <see cref="ConcurrencyConflictException"/> (retryable); a prompt never has two active versions, and once it has
/// one, never none.
/// </summary>
public sealed class PromptStore(RequestPipeline pipeline, TimeProvider clock, TypeAdapterConfig mapping, ActivePromptCache cache)
{
    /// <summary>
    /// Stores a version of the prompt of the request's tool and provider, creating the prompt if needed (its first
    /// version is activated), and activates it when asked. Content the prompt already has is not stored again: its
    /// version is returned with <see cref="StoredPromptVersionDto.IsNew"/> false. A concurrent call that creates the same
    /// prompt or publishes the same content first is caught up with, not reported.
    /// </summary>
    public Task<StoredPromptVersionDto> StoreVersionAsync(Caller caller, StorePromptVersionRequest request, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, request, async (context, r, ct) =>
        {
            try
            {
                return await StoreOnceAsync(context, caller, r, ct);
            }
            catch (UniqueViolationException ex) when (ex.ConstraintName is PromptIndexes.ToolAndProvider or PromptIndexes.ContentHash)
            {
                // Another call created this prompt, or published this content, and committed first: go on from what it stored.
                context.ChangeTracker.Clear();
                return await StoreOnceAsync(context, caller, r, ct);
            }
        }, cancellationToken);

    /// <summary>Makes the request's version the active one (forward or back); nothing changes when it already is.</summary>
    /// <exception cref="NotFoundException">The prompt or the version does not exist (or the caller is anon).</exception>
    public Task<PromptDto> ActivateAsync(Caller caller, ActivatePromptVersionRequest request, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, request, async (context, r, ct) =>
        {
            var prompt = await FindAsync(context, r.ToolName, r.Provider);
            var version = await FindVersionAsync(context, prompt, r.VersionNumber);
            if (prompt.Activate(version, clock.GetUtcNow()))
            {
                await context.SaveChangesAsync(ct);
            }

            return prompt.Adapt<PromptDto>(mapping);
        }, cancellationToken);

    /// <summary>
    /// Activates an earlier version: the request's, or the newest one older than the active version. Every version
    /// stays stored.
    /// </summary>
    /// <exception cref="Domain.Common.DomainException">There is no older version, or the requested one is not older.</exception>
    public Task<PromptDto> RollBackAsync(Caller caller, RollBackPromptRequest request, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, request, async (context, r, ct) =>
        {
            var prompt = await FindAsync(context, r.ToolName, r.Provider);
            var earlier = r.ToVersionNumber is { } number
                ? await FindVersionAsync(context, prompt, number)
                : prompt.ActiveVersionNumber is { } active ? await context.FindVersionBeforeAsync(prompt.Id, active) : null;
            prompt.RollBackTo(earlier, clock.GetUtcNow());
            await context.SaveChangesAsync(ct);
            return prompt.Adapt<PromptDto>(mapping);
        }, cancellationToken);

    /// <summary>
    /// The active prompt of <paramref name="toolName"/> and <paramref name="provider"/>, the read every model call makes
    /// (seed 004's <c>get_active_prompt</c>); null when there is none, and always for anon. Served from
    /// <see cref="ActivePromptCache"/>: no round trip while nothing changed, and a change made anywhere is seen within
    /// <see cref="PromptCacheOptions.MaxStaleness"/>. Names are compared exactly as stored.
    /// </summary>
    public ValueTask<ActivePromptDto?> GetActiveAsync(Caller caller, string toolName, string provider, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentException.ThrowIfNullOrWhiteSpace(toolName);
        ArgumentException.ThrowIfNullOrWhiteSpace(provider);

        // Row-level security gives anon no prompt; every other caller reads them all, which is what the cache holds.
        return caller.IsAnonymous ? ValueTask.FromResult<ActivePromptDto?>(null) : cache.GetAsync(toolName, provider, cancellationToken);
    }

    /// <summary>Every prompt the caller may read (every one, for a signed-in caller), by tool and provider.</summary>
    public Task<IReadOnlyList<PromptDto>> ListAsync(Caller caller, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, async (context, ct) =>
        {
            var prompts = await context.SystemPrompts.AsNoTracking().OrderBy(p => p.ToolName).ThenBy(p => p.Provider).ToListAsync(ct);
            return (IReadOnlyList<PromptDto>)prompts.Adapt<List<PromptDto>>(mapping);
        }, cancellationToken);

    /// <summary>
    /// The prompt's versions, newest first, without their content, with how each performed
    /// (<c>prompt_version_results</c>) for admins and the backend; other callers get null results.
    /// </summary>
    /// <exception cref="NotFoundException">The prompt does not exist (or the caller is anon).</exception>
    public Task<IReadOnlyList<PromptVersionSummaryDto>> ListVersionsAsync(
        Caller caller, PromptVersionsRequest request, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, request, async (context, r, ct) =>
        {
            var prompt = await context.SystemPrompts.AsNoTracking().SingleOrDefaultAsync(p => p.ToolName == r.ToolName && p.Provider == r.Provider, ct)
                ?? throw new NotFoundException(nameof(SystemPrompt), $"{r.ToolName}/{r.Provider}");
            var versions = await context.PromptVersions.AsNoTracking()
                .Where(v => v.PromptId == prompt.Id)
                .OrderByDescending(v => v.VersionNumber)
                .Select(v => new { v.Id, v.VersionNumber, v.ContentHash, ContentLength = v.Content.Length, v.Notes, v.AuthorId, v.CreatedAt })
                .ToListAsync(ct);
            var results = MayReadResults(caller)
                ? await context.PromptVersionResults.Where(x => x.PromptId == prompt.Id).ToDictionaryAsync(x => x.PromptVersionId, ct)
                : null;
            return (IReadOnlyList<PromptVersionSummaryDto>)versions
                .Select(v => new PromptVersionSummaryDto(
                    v.Id, v.VersionNumber, v.ContentHash, v.ContentLength, v.Notes, v.AuthorId, v.CreatedAt,
                    v.VersionNumber == prompt.ActiveVersionNumber,
                    results is not null && results.TryGetValue(v.Id, out var row) ? row.Adapt<PromptVersionResultsDto>(mapping) : null))
                .ToList();
        }, cancellationToken);

    private async Task<StoredPromptVersionDto> StoreOnceAsync(DomainDbContext context, Caller caller, StorePromptVersionRequest r, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var prompt = await context.FindPromptAsync(r.ToolName, r.Provider);
        PromptVersion? version = null;
        if (prompt is null)
        {
            prompt = SystemPrompt.Create(r.ToolName, r.Provider, r.Tier ?? PromptLimits.MinTier, r.Description, now);
            context.SystemPrompts.Add(prompt);
        }
        else
        {
            if (r.Tier is not null || r.Description is not null)
            {
                prompt.Describe(r.Description ?? prompt.Description, r.Tier ?? prompt.Tier);
            }

            version = await context.FindPromptVersionByHashAsync(prompt.Id, PromptVersion.HashOf(r.Content));
        }

        var isNew = version is null;
        version ??= prompt.PublishVersion(r.Content, r.Notes, caller.UserId, now);
        if (r.Activate || prompt.ActiveVersionNumber is null)
        {
            prompt.Activate(version, now);
        }

        await context.SaveChangesAsync(ct);
        return new StoredPromptVersionDto(prompt.Adapt<PromptDto>(mapping), version.Adapt<PromptVersionDto>(mapping), isNew);
    }

    private static async Task<SystemPrompt> FindAsync(DomainDbContext context, string toolName, string provider)
        => await context.FindPromptAsync(toolName, provider) ?? throw new NotFoundException(nameof(SystemPrompt), $"{toolName}/{provider}");

    private static async Task<PromptVersion> FindVersionAsync(DomainDbContext context, SystemPrompt prompt, int versionNumber)
        => await context.FindPromptVersionAsync(prompt.Id, versionNumber)
            ?? throw new NotFoundException(nameof(PromptVersion), $"{prompt.ToolName}/{prompt.Provider} version {versionNumber}");

    /// <summary>Results are reported across users: only admins and the backend may read them (the view is granted to them alone).</summary>
    private static bool MayReadResults(Caller caller) => caller.Claims.Role is RlsClaims.AdminRole or RlsClaims.ServiceRole;
}
