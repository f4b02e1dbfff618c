namespace Domain.Auditing;

/// <summary>What happened to an audited row (or, for <see cref="Truncate"/>, to the whole table).</summary>
public enum AuditOperation
{
    Insert,
    Update,
    Delete,

    /// <summary>The table was emptied with TRUNCATE (only its owner can): one entry for the table, no row values.</summary>
    Truncate,
}
