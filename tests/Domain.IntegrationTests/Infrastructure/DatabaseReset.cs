using Npgsql;
using Respawn;

namespace Domain.IntegrationTests.Infrastructure;

/// <summary>How every test database is emptied between tests.</summary>
internal static class DatabaseReset
{
    /// <summary>
    /// Runs <paramref name="respawner"/> on a connection of <paramref name="adminConnectionString"/> with triggers off
    /// (<c>session_replication_role = replica</c>, a superuser's setting, for this connection only): the audit trail
    /// refuses TRUNCATE of <c>audit_logs</c> to everyone, its owner included, and records a TRUNCATE of an audited table.
    /// </summary>
    public static async Task WithTriggersOffAsync(Respawner respawner, string adminConnectionString)
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync();
        await using (var replica = new NpgsqlCommand("SET session_replication_role = replica", connection))
        {
            await replica.ExecuteNonQueryAsync();
        }

        await respawner.ResetAsync(connection);
    }
}
