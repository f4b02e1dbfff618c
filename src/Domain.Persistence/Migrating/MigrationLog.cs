using Npgsql;

namespace Domain.Persistence.Migrating;

/// <summary>Status of one migration step in <c>domain_ops.migration_logs</c> (seed 003).</summary>
public enum MigrationLogStatus
{
    Pending,
    Running,
    Completed,
    Failed,
    RolledBack,
}

/// <summary>One row of the migration log.</summary>
public sealed record MigrationLogEntry(
    long Id,
    Guid RunId,
    string MigrationId,
    string Direction,
    MigrationLogStatus Status,
    DateTimeOffset StartedAt,
    int? DurationMs,
    string DatabaseRole,
    string? ClientHost,
    string? Tool,
    string? Checksum,
    string? Error);

/// <summary>
/// The migration log, outside <c>public</c>: every migration step any run applies or reverts, with who ran it, how
/// long it took and the error if any. Written on its own connection, so a failed migration's rollback does not
/// take its log row with it; a step's completion is written inside the migration's own transaction, so the log
/// never says "completed" for a migration that rolled back.
/// </summary>
public static class MigrationLog
{
    public const string Table = $"{DatabaseSchemas.Operations}.migration_logs";

    internal static readonly string CreateSql = $$"""
        SELECT pg_advisory_xact_lock(hashtext('{{Table}}'));
        CREATE SCHEMA IF NOT EXISTS {{DatabaseSchemas.Operations}};
        REVOKE ALL ON SCHEMA {{DatabaseSchemas.Operations}} FROM PUBLIC;
        CREATE TABLE IF NOT EXISTS {{Table}} (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            run_id uuid NOT NULL,
            migration_id text NOT NULL,
            direction text NOT NULL CHECK (direction IN ('up', 'down')),
            status text NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed', 'rolled_back')),
            started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
            finished_at timestamptz,
            duration_ms integer,
            database_role text NOT NULL DEFAULT current_user,
            client_host text DEFAULT coalesce(host(inet_client_addr()), 'local socket'),
            client_machine text,
            tool text,
            checksum text,
            error text
        );
        CREATE INDEX IF NOT EXISTS ix_migration_logs_migration_id ON {{Table}} (migration_id, id DESC);
        REVOKE ALL ON TABLE {{Table}} FROM PUBLIC;
        """;

    /// <summary>The SQL a step appends to its own transaction to mark itself done.</summary>
    internal static string FinishSql(long logId, MigrationLogStatus status)
    {
        return $"""
            UPDATE {Table}
               SET status = '{ToText(status)}', finished_at = clock_timestamp(),
                   duration_ms = (extract(epoch FROM clock_timestamp() - started_at) * 1000)::integer
             WHERE id = {logId};
            """;
    }

    public static async Task EnsureCreatedAsync(NpgsqlConnection connection, CancellationToken cancellationToken = default)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand(CreateSql, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The newest <paramref name="limit"/> rows, newest first; empty when the log does not exist yet.</summary>
    public static async Task<IReadOnlyList<MigrationLogEntry>> ReadAsync(string connectionString, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var exists = new NpgsqlCommand($"SELECT to_regclass('{Table}') IS NOT NULL", connection))
        {
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
            {
                return [];
            }
        }

        await using var command = new NpgsqlCommand(
            $"""
            SELECT id, run_id, migration_id, direction, status, started_at, duration_ms, database_role, client_host, tool, checksum, error
              FROM {Table} ORDER BY id DESC LIMIT @limit
            """, connection);
        command.Parameters.AddWithValue("limit", limit);
        var rows = new List<MigrationLogEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new MigrationLogEntry(
                reader.GetInt64(0),
                reader.GetGuid(1),
                reader.GetString(2),
                reader.GetString(3),
                ParseStatus(reader.GetString(4)),
                reader.GetFieldValue<DateTimeOffset>(5),
                reader.IsDBNull(6) ? null : reader.GetInt32(6),
                reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.IsDBNull(9) ? null : reader.GetString(9),
                reader.IsDBNull(10) ? null : reader.GetString(10),
                reader.IsDBNull(11) ? null : reader.GetString(11)));
        }

        return rows;
    }

    internal static string ToText(MigrationLogStatus status) => status switch
    {
        MigrationLogStatus.Pending => "pending",
        MigrationLogStatus.Running => "running",
        MigrationLogStatus.Completed => "completed",
        MigrationLogStatus.Failed => "failed",
        MigrationLogStatus.RolledBack => "rolled_back",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    internal static MigrationLogStatus ParseStatus(string text) => text switch
    {
        "pending" => MigrationLogStatus.Pending,
        "running" => MigrationLogStatus.Running,
        "completed" => MigrationLogStatus.Completed,
        "failed" => MigrationLogStatus.Failed,
        "rolled_back" => MigrationLogStatus.RolledBack,
        _ => throw new InvalidOperationException($"Unknown migration log status '{text}'."),
    };
}
