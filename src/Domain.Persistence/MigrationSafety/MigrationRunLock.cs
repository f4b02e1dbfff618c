using Domain.Persistence.Connections;
using Npgsql;

namespace Domain.Persistence.MigrationSafety;

/// <summary>
/// The lock one migration run holds from before it reads the history until it ends: a session-level advisory lock on
/// an unpooled connection of its own. EF's own lock (<c>LOCK TABLE</c> on the history) lasts one transaction, and EF runs
/// one transaction per migration without reading the history again: with two pending migrations, a run started
/// together with this one could apply the second while this one waited, and this one would then apply it again.
/// </summary>
/// <remarks>
/// A session-level lock needs a connection that stays one server session: a direct connection or a session-mode pooler.
/// Behind a transaction-mode pooler the lock would stay on a server session the pooler hands to other clients (and a
/// second run could be handed the same session and take the lock again), so a run refuses one: when the setting says so
/// (<see cref="DomainConnectionMode.TransactionPooler"/>, or Supabase's transaction pooler address), and when the
/// connection is seen to change server sessions (<see cref="TransactionPoolerProbe"/>), before the lock is taken.
/// </remarks>
internal sealed class MigrationRunLock : IDisposable
{
    /// <summary>The advisory lock's key, "domain" in ASCII.</summary>
    public const long Key = 0x646f6d61696e;

    private const string NeedsSessionConnection =
        "Migrations hold a session-level advisory lock for a whole run, which a transaction-mode pooler cannot keep: "
        + "run them over a direct connection or a session-mode pooler (on Supabase the direct host, or the pooler's port 5432). Nothing was changed.";

    private readonly NpgsqlConnection _connection;

    private MigrationRunLock(NpgsqlConnection connection) => _connection = connection;

    /// <summary>
    /// Waits until no other run holds the lock on the database of <paramref name="connectionString"/>, then holds it.
    /// <paramref name="configuredMode"/> is the configured connection mode (null: decided from the address).
    /// </summary>
    /// <exception cref="InvalidOperationException">The connection is, or behaves like, a transaction-mode pooler.</exception>
    public static MigrationRunLock Acquire(string? connectionString, DomainConnectionMode? configuredMode)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        if (ConnectionModes.Resolve(connectionString, configuredMode) == DomainConnectionMode.TransactionPooler)
        {
            throw new InvalidOperationException(
                $"{NeedsSessionConnection} The connection is configured as a transaction pooler ({ConnectionModes.SettingName} is "
                + $"{DomainConnectionMode.TransactionPooler}, or the address is Supabase's transaction pooler on port 6543).");
        }

        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        try
        {
            connection.Open();
            if (TransactionPoolerProbe.IsBehindTransactionPooler(connection, connectionString))
            {
                throw new InvalidOperationException(
                    $"{NeedsSessionConnection} This connection moved between server sessions from one transaction to the next, "
                    + $"as a transaction-mode pooler does, although {ConnectionModes.SettingName} does not say so.");
            }

            using var command = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection);
            command.Parameters.AddWithValue("key", Key);
            command.ExecuteNonQuery();
            return new MigrationRunLock(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Closing the unpooled connection ends its session, which releases the lock.</summary>
    public void Dispose() => _connection.Dispose();
}
