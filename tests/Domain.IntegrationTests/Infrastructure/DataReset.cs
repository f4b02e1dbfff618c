using Npgsql;
using Respawn;

namespace Domain.IntegrationTests.Infrastructure;

/// <summary>How every fixture empties its database between tests.</summary>
internal static class DataReset
{
    /// <summary>
    /// Runs <paramref name="respawner"/> as the superuser of <paramref name="adminConnectionString"/>. The audit trail
    /// refuses TRUNCATE to everyone and records it on audited tables, so the reset runs with triggers off
    /// (<c>session_replication_role = replica</c>, a superuser's setting, for this connection only).
    /// </summary>
    public static async Task RespawnAsync(Respawner respawner, string adminConnectionString)
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
