using System.Text.Json;
using Domain.Common;

namespace Domain.Sessions;

/// <summary>One immutable version of a session's IR, numbered 1..n within its session.</summary>
public sealed class SessionRevision
{
    private SessionRevision()
    {
        Ir = string.Empty;
    }

    internal SessionRevision(Guid id, Session session, int revisionNumber, string ir, string? changeSummary, DateTimeOffset createdAt)
    {
        Id = id;
        SessionId = session.Id;
        UserId = session.UserId;
        RevisionNumber = revisionNumber;
        Ir = ir;
        ChangeSummary = changeSummary;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }

    public Guid SessionId { get; private set; }

    public Guid UserId { get; private set; }

    public int RevisionNumber { get; private set; }

    public string Ir { get; private set; }

    public string? ChangeSummary { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>
    /// The checks a revision's content must pass (the IR is a JSON object within its limit; the summary is optional
    /// text), returning the values to store. Used by <see cref="Session.AddRevision"/> and by writers that append a
    /// revision without loading the aggregate.
    /// </summary>
    public static (string Ir, string? ChangeSummary) Validate(string irJson, string? changeSummary)
        => (Guard.Json(irJson, "ir", SessionLimits.IrMaxLength, JsonValueKind.Object),
            Guard.OptionalText(changeSummary, "change_summary", SessionLimits.ChangeSummaryMaxLength));
}
