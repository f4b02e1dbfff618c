using System.Text.Json;
using System.Text.RegularExpressions;
using Domain.Common;

namespace Domain.Sessions;

/// <summary>
/// A prompt-engineering session (seed 002): an intermediate representation (IR) that is revised over time,
/// code drafts generated from it, and typed holes resolved along the way. The aggregate root: revisions,
/// drafts and hole resolutions are changed only through its methods, which hold the invariants.
/// </summary>
public sealed partial class Session : IAggregateRoot
{
    private readonly List<SessionRevision> _revisions = [];
    private readonly List<SessionDraft> _drafts = [];
    private readonly List<HoleResolution> _holeResolutions = [];

    private Session()
    {
        Title = string.Empty;
        Metadata = EmptyJsonObject;
    }

    private const string EmptyJsonObject = "{}";

    public Guid Id { get; private set; }

    /// <summary>The owner; every child row carries the same value.</summary>
    public Guid UserId { get; private set; }

    public string Title { get; private set; }

    public string? Description { get; private set; }

    public SessionStatus Status { get; private set; }

    /// <summary>The IR of the newest revision (JSON object), or null before the first revision.</summary>
    public string? CurrentIr { get; private set; }

    /// <summary>Free-form JSON object for the application.</summary>
    public string Metadata { get; private set; }

    /// <summary>The highest revision number ever given out; numbers are never reused.</summary>
    public int LastRevisionNumber { get; private set; }

    /// <summary>Number of revision rows, maintained by the database.</summary>
    public int RevisionCount { get; private set; }

    /// <summary>Number of draft rows, maintained by the database.</summary>
    public int DraftCount { get; private set; }

    /// <summary>Number of hole-resolution rows, maintained by the database.</summary>
    public int HoleCount { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Last change of the row, maintained by the database.</summary>
    public DateTimeOffset UpdatedAt { get; private set; }

    public DateTimeOffset? FinalizedAt { get; private set; }

    public DateTimeOffset? ArchivedAt { get; private set; }

    public IReadOnlyCollection<SessionRevision> Revisions => _revisions.AsReadOnly();

    public IReadOnlyCollection<SessionDraft> Drafts => _drafts.AsReadOnly();

    public IReadOnlyCollection<HoleResolution> HoleResolutions => _holeResolutions.AsReadOnly();

    /// <summary>Starts a new active session for <paramref name="userId"/>.</summary>
    public static Session Create(Guid userId, string title, string? description, DateTimeOffset now, Guid? id = null)
    {
        return new Session
        {
            Id = id ?? Guid.CreateVersion7(now),
            UserId = Guard.NotEmpty(userId, "user_id"),
            Title = Guard.Text(title, "title", SessionLimits.TitleMaxLength),
            Description = Guard.OptionalText(description, "description", SessionLimits.DescriptionMaxLength),
            Status = SessionStatus.Active,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    public void Retitle(string title, string? description)
    {
        EnsureNotArchived("retitle");
        Title = Guard.Text(title, "title", SessionLimits.TitleMaxLength);
        Description = Guard.OptionalText(description, "description", SessionLimits.DescriptionMaxLength);
    }

    public void ReplaceMetadata(string metadataJson)
    {
        EnsureNotArchived("change the metadata of");
        Metadata = Guard.Json(metadataJson, "metadata", SessionLimits.MetadataMaxLength, JsonValueKind.Object);
    }

    /// <summary>
    /// Records a new IR revision numbered one past the last number given out; the session's current IR
    /// becomes this revision's IR.
    /// </summary>
    public SessionRevision AddRevision(string irJson, string? changeSummary, DateTimeOffset now)
    {
        EnsureActive("add a revision to");
        var (ir, summary) = SessionRevision.Validate(irJson, changeSummary);

        var revision = new SessionRevision(Guid.CreateVersion7(now), this, LastRevisionNumber + 1, ir, summary, now);
        _revisions.Add(revision);
        LastRevisionNumber = revision.RevisionNumber;
        CurrentIr = ir;
        return revision;
    }

    /// <summary>Records a code draft generated from the current IR, with the outcome of its validation.</summary>
    public SessionDraft AddDraft(string code, string language, bool isValid, string? validationDetailsJson, DateTimeOffset now)
    {
        EnsureActive("add a draft to");
        if (LastRevisionNumber == 0)
        {
            throw new DomainException("session.no_revision", "A draft is generated from an IR: add a revision before adding a draft.");
        }

        var body = Guard.Content(code, "code", SessionLimits.CodeMaxLength);
        var lang = Guard.Text(language, "language", SessionLimits.LanguageMaxLength);
        if (!LanguageRegex().IsMatch(lang))
        {
            throw new DomainException("language.invalid", $"language '{lang}' must match {SessionLimits.LanguagePattern}.");
        }

        var details = validationDetailsJson is null
            ? null
            : Guard.Json(validationDetailsJson, "validation_details", SessionLimits.ValidationDetailsMaxLength);

        var draft = new SessionDraft(Guid.CreateVersion7(now), this, LastRevisionNumber, body, lang, isValid, details, now);
        _drafts.Add(draft);
        return draft;
    }

    /// <summary>
    /// Resolves a typed hole of the IR. Resolving a hole that this aggregate already holds a resolution for
    /// replaces that resolution's value and confidence.
    /// </summary>
    public HoleResolution ResolveHole(string holeId, string resolutionValueJson, double confidence, DateTimeOffset now)
    {
        EnsureActive("resolve a hole in");
        var hole = Guard.Text(holeId, "hole_id", SessionLimits.HoleIdMaxLength);
        if (!HoleIdRegex().IsMatch(hole))
        {
            throw new DomainException("hole_id.invalid", $"hole_id '{hole}' must match {SessionLimits.HoleIdPattern}.");
        }

        var value = Guard.Json(resolutionValueJson, "resolution_value", SessionLimits.ResolutionValueMaxLength);
        HoleResolution.EnsureConfidence(confidence);

        var existing = _holeResolutions.Find(r => string.Equals(r.HoleId, hole, StringComparison.Ordinal));
        if (existing is not null)
        {
            existing.Revise(value, confidence, now);
            return existing;
        }

        var resolution = new HoleResolution(Guid.CreateVersion7(now), this, hole, value, confidence, now);
        _holeResolutions.Add(resolution);
        return resolution;
    }

    /// <summary>Marks the session done. Only an active session that has at least one revision can be finalized.</summary>
    public void FinalizeSession(DateTimeOffset now)
    {
        EnsureActive("finalize");
        if (LastRevisionNumber == 0)
        {
            throw new DomainException("session.no_revision", "A session without any revision cannot be finalized.");
        }

        Status = SessionStatus.Finalized;
        FinalizedAt = now;
    }

    /// <summary>Archives an active or finalized session; an archived session no longer changes.</summary>
    public void Archive(DateTimeOffset now)
    {
        EnsureNotArchived("archive");
        Status = SessionStatus.Archived;
        ArchivedAt = now;
    }

    private void EnsureActive(string action)
    {
        if (Status != SessionStatus.Active)
        {
            throw new DomainException(
                $"session.{Status.ToString().ToLowerInvariant()}",
                $"Cannot {action} session {Id}: it is {Status.ToString().ToLowerInvariant()}, and only an active session can change.");
        }
    }

    private void EnsureNotArchived(string action)
    {
        if (Status == SessionStatus.Archived)
        {
            throw new DomainException("session.archived", $"Cannot {action} session {Id}: it is archived.");
        }
    }

    [GeneratedRegex(SessionLimits.HoleIdPattern, RegexOptions.CultureInvariant)]
    private static partial Regex HoleIdRegex();

    [GeneratedRegex(SessionLimits.LanguagePattern, RegexOptions.CultureInvariant)]
    private static partial Regex LanguageRegex();
}
