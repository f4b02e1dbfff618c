using Domain.Prompts;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Domain.Persistence.Prompts;

/// <summary>
/// The active prompt of a tool and provider as one row, with the catalog version it was read at: every column but
/// <see cref="CatalogVersion"/> is null when there is no such prompt or it has no active version.
/// </summary>
/// <param name="CatalogVersion">The value of <c>domain_private.prompt_catalog_version</c> in the same snapshot.</param>
/// <param name="PromptId">The prompt.</param>
/// <param name="ToolName">Its tool.</param>
/// <param name="Provider">Its provider.</param>
/// <param name="Tier">Its tier.</param>
/// <param name="VersionId">The active version.</param>
/// <param name="VersionNumber">Its number.</param>
/// <param name="Content">Its text.</param>
/// <param name="ContentHash">Its content hash.</param>
/// <param name="ActivatedAt">When it became active.</param>
public sealed record ActivePromptRow(
    long CatalogVersion,
    Guid? PromptId,
    string? ToolName,
    string? Provider,
    int? Tier,
    Guid? VersionId,
    int? VersionNumber,
    string? Content,
    string? ContentHash,
    DateTimeOffset? ActivatedAt);

/// <summary>
/// The reads of the SystemPrompt aggregate. The aggregate's own (a prompt by tool and provider, a version by number or
/// hash) are compiled queries, tracked, for the store's writes; the two the cache of active prompts makes are raw SQL,
/// because they read <c>domain_private.prompt_catalog_version</c>, which the model does not map. All of them run under
/// the caller's claims like any other query; the catalog version is readable by the service role only.
/// </summary>
public static class PromptQueries
{
    private const string CatalogVersionSql = $"""SELECT version AS "Value" FROM {DatabaseSchemas.Private}.prompt_catalog_version""";

    /// <summary>
    /// The catalog version and the active prompt in one statement, so one snapshot: the row comes back with the version
    /// it is current at, even when there is no prompt.
    /// </summary>
    private const string ActivePromptSql = $"""
        SELECT c.version AS catalog_version, p.id AS prompt_id, p.tool_name, p.provider, p.tier, v.id AS version_id,
               v.version_number, v.content, v.content_hash, p.activated_at
          FROM {DatabaseSchemas.Private}.prompt_catalog_version c
          LEFT JOIN ({DatabaseSchemas.Public}.system_prompts p
                     JOIN {DatabaseSchemas.Public}.prompt_versions v ON v.prompt_id = p.id AND v.version_number = p.active_version_number)
            ON p.tool_name = @tool_name AND p.provider = @provider
        """;

    private static readonly CompiledPerModel<Func<DomainDbContext, string, string, Task<SystemPrompt?>>> ByToolAndProvider = new(() =>
        EF.CompileAsyncQuery((DomainDbContext db, string toolName, string provider) =>
            db.SystemPrompts.SingleOrDefault(p => p.ToolName == toolName && p.Provider == provider)));

    private static readonly CompiledPerModel<Func<DomainDbContext, Guid, int, Task<PromptVersion?>>> ByNumber = new(() =>
        EF.CompileAsyncQuery((DomainDbContext db, Guid promptId, int versionNumber) =>
            db.PromptVersions.SingleOrDefault(v => v.PromptId == promptId && v.VersionNumber == versionNumber)));

    private static readonly CompiledPerModel<Func<DomainDbContext, Guid, string, Task<PromptVersion?>>> ByContentHash = new(() =>
        EF.CompileAsyncQuery((DomainDbContext db, Guid promptId, string contentHash) =>
            db.PromptVersions.SingleOrDefault(v => v.PromptId == promptId && v.ContentHash == contentHash)));

    private static readonly CompiledPerModel<Func<DomainDbContext, Guid, int, Task<PromptVersion?>>> NewestBefore = new(() =>
        EF.CompileAsyncQuery((DomainDbContext db, Guid promptId, int versionNumber) =>
            db.PromptVersions.Where(v => v.PromptId == promptId && v.VersionNumber < versionNumber)
                .OrderByDescending(v => v.VersionNumber)
                .FirstOrDefault()));

    /// <summary>The prompt of <paramref name="toolName"/> and <paramref name="provider"/>, tracked, without its versions; null when there is none.</summary>
    public static Task<SystemPrompt?> FindPromptAsync(this DomainDbContext db, string toolName, string provider)
        => ByToolAndProvider.For(db)(db, toolName, provider);

    /// <summary>Version <paramref name="versionNumber"/> of the prompt, tracked; null when it has none such.</summary>
    public static Task<PromptVersion?> FindPromptVersionAsync(this DomainDbContext db, Guid promptId, int versionNumber)
        => ByNumber.For(db)(db, promptId, versionNumber);

    /// <summary>The prompt's version whose content hashes to <paramref name="contentHash"/>, tracked; null when none does.</summary>
    public static Task<PromptVersion?> FindPromptVersionByHashAsync(this DomainDbContext db, Guid promptId, string contentHash)
        => ByContentHash.For(db)(db, promptId, contentHash);

    /// <summary>The prompt's newest version numbered below <paramref name="versionNumber"/>, tracked; null when there is none.</summary>
    public static Task<PromptVersion?> FindVersionBeforeAsync(this DomainDbContext db, Guid promptId, int versionNumber)
        => NewestBefore.For(db)(db, promptId, versionNumber);

    /// <summary>The catalog version now: it moves whenever a transaction that changed a prompt or a version commits.</summary>
    public static async Task<long> ReadPromptCatalogVersionAsync(this DomainDbContext db, CancellationToken cancellationToken = default)
        => await db.Database.SqlQueryRaw<long>(CatalogVersionSql).SingleAsync(cancellationToken);

    /// <summary>The active prompt of <paramref name="toolName"/> and <paramref name="provider"/> with the catalog version, in one round trip.</summary>
    public static async Task<ActivePromptRow> ReadActivePromptAsync(
        this DomainDbContext db, string toolName, string provider, CancellationToken cancellationToken = default)
        => await db.Database.SqlQueryRaw<ActivePromptRow>(
                ActivePromptSql,
                new NpgsqlParameter("tool_name", NpgsqlDbType.Varchar) { Value = toolName },
                new NpgsqlParameter("provider", NpgsqlDbType.Varchar) { Value = provider })
            .SingleAsync(cancellationToken);
}
