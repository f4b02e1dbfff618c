namespace Domain.Persistence.RowLevelSecurity;

/// <summary>The three kinds of table this project has, each with one policy shape.</summary>
public enum RowLevelSecurityShape
{
    /// <summary>
    /// Rows that belong to the user in an owner column: owners read their rows and write them as the declared commands
    /// allow; admins read every row and write only their own, with the same commands; the backend does everything.
    /// </summary>
    OwnedRows,

    /// <summary>
    /// Rows nobody owns (prompts, reference data): every signed-in caller reads them; admins write them as the declared
    /// commands allow; the backend does everything.
    /// </summary>
    SharedReferenceData,

    /// <summary>
    /// Rows the backend appends (usage, audit): owners read their own, admins read every row, the backend reads and
    /// inserts, and nobody updates or deletes.
    /// </summary>
    Ledger,
}
