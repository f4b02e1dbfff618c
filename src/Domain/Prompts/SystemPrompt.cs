using Domain.Common;

namespace Domain.Prompts;

/// <summary>
/// The system prompt of one tool for one model provider (seed 004's <c>system_prompts</c>): numbered versions that are
/// published and never changed, and the one version that is active, the one model calls use. The aggregate root:
/// versions are published, activated and rolled back only through its methods.
/// </summary>
/// <remarks>
/// The active version is a single value on the prompt, so a prompt can never have two; once a version is active
/// nothing makes it have none. Versions are often loaded one at a time (their content can be large): the methods
/// take the version they act on rather than search <see cref="Versions"/>, which holds only what was loaded.
/// </remarks>
public sealed class SystemPrompt : IAggregateRoot
{
    private readonly List<PromptVersion> _versions = [];

    private SystemPrompt()
    {
        ToolName = string.Empty;
        Provider = string.Empty;
    }

    public Guid Id { get; private set; }

    /// <summary>The tool the prompt is for (seed 004's <c>tool_name</c>); with <see cref="Provider"/>, unique.</summary>
    public string ToolName { get; private set; }

    /// <summary>The model provider the prompt is written for (seed 004's <c>provider</c>: <c>kimi</c>, <c>glm</c>, <c>base</c>, …).</summary>
    public string Provider { get; private set; }

    /// <summary>Seed 004's tier, <see cref="PromptLimits.MinTier"/> to <see cref="PromptLimits.MaxTier"/>.</summary>
    public int Tier { get; private set; }

    public string? Description { get; private set; }

    /// <summary>The number of the active version; null only while the prompt has no version yet.</summary>
    public int? ActiveVersionNumber { get; private set; }

    /// <summary>When the active version became active; null while there is none.</summary>
    public DateTimeOffset? ActivatedAt { get; private set; }

    /// <summary>The highest version number ever given out; numbers are never reused.</summary>
    public int LastVersionNumber { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Last change of the row, maintained by the database.</summary>
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>The versions loaded with the prompt or published through it: not necessarily all of them.</summary>
    public IReadOnlyCollection<PromptVersion> Versions => _versions.AsReadOnly();

    /// <summary>A prompt for <paramref name="toolName"/> and <paramref name="provider"/>, without versions yet.</summary>
    public static SystemPrompt Create(string toolName, string provider, int tier, string? description, DateTimeOffset now, Guid? id = null)
    {
        return new SystemPrompt
        {
            Id = id ?? Guid.CreateVersion7(now),
            ToolName = Guard.Text(toolName, "tool_name", PromptLimits.ToolNameMaxLength),
            Provider = Guard.Text(provider, "provider", PromptLimits.ProviderMaxLength),
            Tier = CheckTier(tier),
            Description = Guard.OptionalText(description, "description", PromptLimits.DescriptionMaxLength),
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>Replaces the description and the tier.</summary>
    public void Describe(string? description, int tier)
    {
        var text = Guard.OptionalText(description, "description", PromptLimits.DescriptionMaxLength);
        Tier = CheckTier(tier);
        Description = text;
    }

    /// <summary>
    /// Publishes <paramref name="content"/> as the version numbered one past the last number given out. Publishing does
    /// not activate it; the first version of a prompt is activated by <see cref="Activate"/> like any other.
    /// </summary>
    /// <param name="content">The prompt text, kept exactly as given.</param>
    /// <param name="notes">What changed and why, optional.</param>
    /// <param name="authorId">The signed-in user publishing it; null for the backend.</param>
    /// <param name="now">When it is published.</param>
    public PromptVersion PublishVersion(string content, string? notes, Guid? authorId, DateTimeOffset now)
    {
        var (text, note) = PromptVersion.Validate(content, notes);
        var author = authorId is { } user ? Guard.NotEmpty(user, "author_id") : (Guid?)null;
        var version = new PromptVersion(Guid.CreateVersion7(now), this, LastVersionNumber + 1, text, note, author, now);
        _versions.Add(version);
        LastVersionNumber = version.VersionNumber;
        return version;
    }

    /// <summary>
    /// Makes <paramref name="version"/>, one of this prompt's, the active one. Returns false, changing nothing, when it
    /// already is.
    /// </summary>
    public bool Activate(PromptVersion version, DateTimeOffset now)
    {
        EnsureOwn(version);
        if (ActiveVersionNumber == version.VersionNumber)
        {
            return false;
        }

        ActiveVersionNumber = version.VersionNumber;
        ActivatedAt = now;
        return true;
    }

    /// <summary>
    /// Rolls back to <paramref name="earlier"/>, a version older than the active one (the newest such version to undo
    /// the last activation). The later versions stay: they can be activated again.
    /// </summary>
    /// <param name="earlier">The version to go back to; null when the caller found none older than the active one.</param>
    /// <param name="now">When it becomes active.</param>
    public void RollBackTo(PromptVersion? earlier, DateTimeOffset now)
    {
        if (ActiveVersionNumber is not { } active)
        {
            throw new DomainException("prompt.no_active_version", $"Prompt {ToolName}/{Provider} has no active version to roll back from.");
        }

        if (earlier is null)
        {
            throw new DomainException(
                "prompt.no_earlier_version", $"Prompt {ToolName}/{Provider} has no version older than the active version {active} to roll back to.");
        }

        EnsureOwn(earlier);
        if (earlier.VersionNumber >= active)
        {
            throw new DomainException(
                "version_number.not_earlier",
                $"Rolling back goes to a version older than the active version {active} of {ToolName}/{Provider} (got {earlier.VersionNumber}); "
                + "activate it instead.");
        }

        ActiveVersionNumber = earlier.VersionNumber;
        ActivatedAt = now;
    }

    private void EnsureOwn(PromptVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        if (version.PromptId != Id)
        {
            throw new DomainException(
                "version.other_prompt", $"Version {version.VersionNumber} ({version.Id}) belongs to another prompt, not to {ToolName}/{Provider}.");
        }
    }

    private static int CheckTier(int tier) => tier is >= PromptLimits.MinTier and <= PromptLimits.MaxTier
        ? tier
        : throw new DomainException("tier.out_of_range", $"tier must be between {PromptLimits.MinTier} and {PromptLimits.MaxTier} (got {tier}).");
}
