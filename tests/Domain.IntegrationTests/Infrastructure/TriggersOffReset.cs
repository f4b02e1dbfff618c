using Npgsql;
using Respawn;

namespace Domain.IntegrationTests.Infrastructure;

/// <summary>How every fixture empties its database between tests.</summary>
internal static class TriggersOffReset
{
    /// <summary>
    /// Runs <paramref name="respawner"/> on <paramref name="connection"/> with triggers off
    /// (<c>session_replication_role = replica</c>, a superuser's setting, for this connection only): the audit trail
    /// refuses TRUNCATE to everyone and records it on audited tables.
    /// </summary>
    public static async Task ResetWithTriggersOffAsync(this Respawner respawner, NpgsqlConnection connection)
    {
        await using (var replica = new NpgsqlCommand("SET session_replication_role = replica", connection))
        {
            await replica.ExecuteNonQueryAsync();
        }

        await respawner.ResetAsync(connection);
    }
}
