using Npgsql;

namespace Domain.Persistence.MigrationSafety;

/// <summary>
/// The migration log, outside <c>public</c>: every migration step any run applies or reverts, with who ran it, how
/// long it took and the error if any. Written on its own connection, so a failed migration's rollback does not
/// take its log row with it; a step's completion is written inside the migration's own transaction, so the log
/// never says "completed" for a migration that rolled back.
/// </summary>
public static class MigrationLog
{
    public const string Table = $"{DatabaseSchemas.Operations}.migration_logs";

    /// <summary>The <c>direction</c> of a step that applies a migration.</summary>
    public const string Up = "up";

    /// <summary>The <c>direction</c> of a step that reverts a migration.</summary>
    public const string Down = "down";

    internal static readonly string CreateSql = $$"""
        SELECT pg_advisory_xact_lock(hashtext('{{Table}}'));
        CREATE SCHEMA IF NOT EXISTS {{DatabaseSchemas.Operations}};
        REVOKE ALL ON SCHEMA {{DatabaseSchemas.Operations}} FROM PUBLIC;
        CREATE TABLE IF NOT EXISTS {{Table}} (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            run_id uuid NOT NULL,
            migration_id text NOT NULL,
            direction text NOT NULL CHECK (direction IN ('{{Up}}', '{{Down}}')),
            status text NOT NULL CHECK (status IN ({{string.Join(", ", MigrationLogStatusText.All.Select(s => $"'{s.ToText()}'"))}})),
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
               SET status = '{status.ToText()}', finished_at = clock_timestamp(),
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
}
