using Npgsql;

namespace Domain.Persistence.MigrationSafety;

/// <summary>
/// The lock one migration run holds from before it reads the history until it ends: a session-level advisory lock on
/// an unpooled connection of its own. EF's own lock (<c>LOCK TABLE</c> on the history) lasts one transaction, and EF runs
/// one transaction per migration without reading the history again: with two pending migrations, a run started
/// together with this one could apply the second while this one waited, and this one would then apply it again.
/// </summary>
internal sealed class MigrationRunLock : IDisposable
{
    /// <summary>The advisory lock's key, "domain" in ASCII.</summary>
    public const long Key = 0x646f6d61696e;

    private readonly NpgsqlConnection _connection;

    private MigrationRunLock(NpgsqlConnection connection) => _connection = connection;

    /// <summary>Waits until no other run holds the lock on the database of <paramref name="connectionString"/>, then holds it.</summary>
    public static MigrationRunLock Acquire(string? connectionString)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        try
        {
            connection.Open();
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
