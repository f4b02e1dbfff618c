namespace Domain.Persistence.MigrationSafety;

/// <summary>Status of one migration step in <c>domain_ops.migration_logs</c> (seed 003).</summary>
public enum MigrationLogStatus
{
    /// <summary>Not applied yet: how <c>domain status</c> shows a migration that no run has applied.</summary>
    Pending,

    /// <summary>The step started and has not finished (or its run died).</summary>
    Running,

    /// <summary>Applied; written by the step's own transaction.</summary>
    Completed,

    /// <summary>The step failed; its transaction rolled back and the row holds the error.</summary>
    Failed,

    /// <summary>Reverted by a Down; written by the step's own transaction.</summary>
    RolledBack,
}

/// <summary>
/// How each <see cref="MigrationLogStatus"/> is written, the one place that says so: in the log's <c>status</c> column,
/// in that column's check constraint, and in <c>domain status</c>.
/// </summary>
public static class MigrationLogStatusText
{
    /// <summary>Every status, in declaration order.</summary>
    public static IReadOnlyList<MigrationLogStatus> All { get; } = Enum.GetValues<MigrationLogStatus>();

    /// <summary>The text of <paramref name="status"/>.</summary>
    public static string ToText(this MigrationLogStatus status) => status switch
    {
        MigrationLogStatus.Pending => "pending",
        MigrationLogStatus.Running => "running",
        MigrationLogStatus.Completed => "completed",
        MigrationLogStatus.Failed => "failed",
        MigrationLogStatus.RolledBack => "rolled_back",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>The status whose text is <paramref name="text"/>.</summary>
    public static MigrationLogStatus Parse(string text)
    {
        foreach (var status in All)
        {
            if (string.Equals(status.ToText(), text, StringComparison.Ordinal))
            {
                return status;
            }
        }

        throw new InvalidOperationException($"Unknown migration log status '{text}'.");
    }
}
