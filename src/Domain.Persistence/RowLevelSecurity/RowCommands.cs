namespace Domain.Persistence.RowLevelSecurity;

/// <summary>Commands a caller may run on a table's rows, as a row-level security declaration grants them.</summary>
[Flags]
public enum RowCommands
{
    /// <summary>No command.</summary>
    None = 0,

    /// <summary>Read rows.</summary>
    Select = 1,

    /// <summary>Add rows.</summary>
    Insert = 2,

    /// <summary>Change rows.</summary>
    Update = 4,

    /// <summary>Remove rows.</summary>
    Delete = 8,

    /// <summary>Read and add, never change or remove: history such as revisions and messages.</summary>
    AppendOnly = Select | Insert,

    /// <summary>Every command.</summary>
    All = Select | Insert | Update | Delete,
}
