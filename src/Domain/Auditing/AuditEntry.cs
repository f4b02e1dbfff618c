namespace Domain.Auditing;

/// <summary>
/// One change to an audited table (seeds 000, 003: an audit trail that nobody can edit), written by the database's
/// triggers for every writer: the data layer, raw SQL, psql. Nobody can change or remove an entry, the backend
/// included; users read the entries about their own rows, admins read all of them.
/// </summary>
public sealed class AuditEntry
{
    private AuditEntry()
    {
        TableName = string.Empty;
        ActorRole = string.Empty;
        DatabaseRole = string.Empty;
    }

    /// <summary>Increasing in the order the entries were written.</summary>
    public long Id { get; private set; }

    /// <summary>When the writing transaction started (every entry of one transaction has the same time).</summary>
    public DateTimeOffset OccurredAt { get; private set; }

    /// <summary>The writing transaction's id, which groups the entries one transaction wrote.</summary>
    public long TransactionId { get; private set; }

    /// <summary>The audited table, in schema <c>public</c>.</summary>
    public string TableName { get; private set; }

    public AuditOperation Operation { get; private set; }

    /// <summary>The changed row's primary key; null for <see cref="AuditOperation.Truncate"/>.</summary>
    public Guid? RowId { get; private set; }

    /// <summary>The user who owns the changed row (who may read this entry); null for rows nobody owns.</summary>
    public Guid? OwnerId { get; private set; }

    /// <summary>The user the request acted for (<c>auth.uid()</c>); null without a signed-in user.</summary>
    public Guid? ActorId { get; private set; }

    /// <summary>The role the request's claims named (<c>authenticated</c>, <c>domain_admin</c>, <c>service_role</c>), or the database role when there were no claims.</summary>
    public string ActorRole { get; private set; }

    /// <summary>The database role that ran the statement (after any role switch), for example <c>postgres</c> from psql.</summary>
    public string DatabaseRole { get; private set; }

    /// <summary>The changed columns before the change, as a JSON object: every column for a delete, none for an insert.</summary>
    public string? OldValues { get; private set; }

    /// <summary>The changed columns after the change, as a JSON object: every column for an insert, none for a delete.</summary>
    public string? NewValues { get; private set; }
}
