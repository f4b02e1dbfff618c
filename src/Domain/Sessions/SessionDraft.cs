namespace Domain.Sessions;

/// <summary>A code draft generated from a revision of the session's IR, with the result of validating it.</summary>
public sealed class SessionDraft
{
    private SessionDraft()
    {
        Code = string.Empty;
        Language = string.Empty;
    }

    internal SessionDraft(
        Guid id, Session session, int revisionNumber, string code, string language, bool isValid, string? validationDetails, DateTimeOffset createdAt)
    {
        Id = id;
        SessionId = session.Id;
        UserId = session.UserId;
        RevisionNumber = revisionNumber;
        Code = code;
        Language = language;
        IsValid = isValid;
        ValidationDetails = validationDetails;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }

    public Guid SessionId { get; private set; }

    public Guid UserId { get; private set; }

    /// <summary>The revision whose IR this draft was generated from.</summary>
    public int RevisionNumber { get; private set; }

    public string Code { get; private set; }

    public string Language { get; private set; }

    public bool IsValid { get; private set; }

    /// <summary>Validator output as JSON (errors, warnings, metrics), or null when there is none.</summary>
    public string? ValidationDetails { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }
}
