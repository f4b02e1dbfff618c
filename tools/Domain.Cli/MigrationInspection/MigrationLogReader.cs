using Domain.Persistence.MigrationSafety;
using Npgsql;

namespace Domain.Cli.MigrationInspection;

/// <summary>One row of the migration log.</summary>
internal sealed record MigrationLogEntry(
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

/// <summary>Reads <see cref="MigrationLog"/> for <c>domain status</c>.</summary>
internal static class MigrationLogReader
{
    /// <summary>The newest <paramref name="limit"/> rows, newest first; empty when the log does not exist yet.</summary>
    public static async Task<IReadOnlyList<MigrationLogEntry>> ReadAsync(string connectionString, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var exists = new NpgsqlCommand($"SELECT to_regclass('{MigrationLog.Table}') IS NOT NULL", connection))
        {
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
            {
                return [];
            }
        }

        await using var command = new NpgsqlCommand(
            $"""
            SELECT id, run_id, migration_id, direction, status, started_at, duration_ms, database_role, client_host, tool, checksum, error
              FROM {MigrationLog.Table} ORDER BY id DESC LIMIT @limit
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
                MigrationLogStatusText.Parse(reader.GetString(4)),
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
}
