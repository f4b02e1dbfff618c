namespace Domain.Sessions;

/// <summary>The life cycle of a session: active sessions change; finalized ones are done; archived ones are read-only.</summary>
public enum SessionStatus
{
    Active,
    Finalized,
    Archived,
}
