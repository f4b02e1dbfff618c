namespace Domain.Application.Prompts;

/// <summary>
/// Input to store a version of the prompt of a tool and provider (seed 004's <c>store_prompt_version</c>). The prompt is
/// created when it does not exist yet (with <see cref="Tier"/>, 0 when not given, and <see cref="Description"/>), and its
/// first version is always activated: a prompt is never without an active version. Content already published for
/// the prompt is not published twice: the version that holds it is returned (and activated when asked).
/// </summary>
/// <param name="ToolName">The tool the prompt is for.</param>
/// <param name="Provider">The model provider it is written for.</param>
/// <param name="Content">The prompt text, kept exactly as given.</param>
/// <param name="Notes">What changed and why.</param>
/// <param name="Activate">Make the version the active one (the first version of a prompt always is).</param>
/// <param name="Tier">Seed 004's tier, 0 to 3; for an existing prompt, replaces its tier when given.</param>
/// <param name="Description">What the prompt is for; for an existing prompt, replaces its description when given.</param>
public sealed record StorePromptVersionRequest(
    string ToolName,
    string Provider,
    string Content,
    string? Notes = null,
    bool Activate = false,
    int? Tier = null,
    string? Description = null);

/// <summary>Input to make version <see cref="VersionNumber"/> of a prompt the active one (roll forward or back).</summary>
public sealed record ActivatePromptVersionRequest(string ToolName, string Provider, int VersionNumber);

/// <summary>
/// Input to roll a prompt back (seed 004's <c>rollback_to_version</c>): to <see cref="ToVersionNumber"/>, which must be
/// older than the active version, or, without it, to the newest version older than the active one. Later versions are
/// kept.
/// </summary>
public sealed record RollBackPromptRequest(string ToolName, string Provider, int? ToVersionNumber = null);

/// <summary>Input to list a prompt's versions with their results.</summary>
public sealed record PromptVersionsRequest(string ToolName, string Provider);

/// <summary>A prompt, without its versions.</summary>
public sealed record PromptDto(
    Guid Id,
    string ToolName,
    string Provider,
    int Tier,
    string? Description,
    int? ActiveVersionNumber,
    DateTimeOffset? ActivatedAt,
    int LastVersionNumber,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>One version, with its content.</summary>
public sealed record PromptVersionDto(
    Guid Id,
    Guid PromptId,
    int VersionNumber,
    string Content,
    string ContentHash,
    string? Notes,
    Guid? AuthorId,
    DateTimeOffset CreatedAt);

/// <summary>What storing a version did: the prompt as it is now, the version, and whether the version is new.</summary>
/// <param name="Prompt">The prompt after the call (its active version, its last number).</param>
/// <param name="Version">The version holding the content.</param>
/// <param name="IsNew">False when the content was already published as <paramref name="Version"/>.</param>
public sealed record StoredPromptVersionDto(PromptDto Prompt, PromptVersionDto Version, bool IsNew);

/// <summary>How the calls made with a version went (from <c>prompt_version_results</c>).</summary>
public sealed record PromptVersionResultsDto(
    long Runs,
    long Successes,
    double? SuccessRate,
    double? MedianLatencyMs,
    double? AverageQualityScore,
    DateTimeOffset? LastRunAt);

/// <summary>
/// One version in a listing, without its content; <see cref="Results"/> is null for callers who may not read results
/// across users (only admins and the backend may).
/// </summary>
public sealed record PromptVersionSummaryDto(
    Guid Id,
    int VersionNumber,
    string ContentHash,
    int ContentLength,
    string? Notes,
    Guid? AuthorId,
    DateTimeOffset CreatedAt,
    bool IsActive,
    PromptVersionResultsDto? Results);

/// <summary>
/// The active prompt of a tool and provider, as model calls use it: the text and the version to record performance
/// against. Instances come from the cache and are shared: they are immutable.
/// </summary>
public sealed record ActivePromptDto(
    Guid PromptId,
    string ToolName,
    string Provider,
    int Tier,
    Guid VersionId,
    int VersionNumber,
    string Content,
    string ContentHash,
    DateTimeOffset ActivatedAt);
