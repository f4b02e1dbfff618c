using Npgsql;

namespace Domain.Persistence.Connections;

/// <summary>
/// Tells, before anything relies on session state, whether a connection keeps one server session between its
/// transactions. On a direct connection (or a session-mode pooler) a client connection is one backend, and two client
/// connections are never the same backend at the same time. A transaction-mode pooler hands its server sessions to
/// whichever client starts a transaction: a second client that holds a transaction open can be given the very backend
/// the first one just used (PgBouncer reuses its most recently released server first), or the first client is moved
/// to another backend. Either is proof of a transaction pooler; neither can happen on a direct connection. A pooler
/// that hands out backends in another order may pass unnoticed, which is why the setting, not this probe, is the rule.
/// </summary>
internal static class TransactionPoolerProbe
{
    private const string BackendSql = "SELECT pg_catalog.pg_backend_pid()";

    /// <summary>How long the first connection's second look may wait; a direct session answers at once.</summary>
    private const int SecondLookTimeoutSeconds = 5;

    /// <summary>
    /// Whether <paramref name="held"/> (an open, unpooled connection to <paramref name="connectionString"/>) behaves like
    /// a client of a transaction-mode pooler.
    /// </summary>
    public static bool IsBehindTransactionPooler(NpgsqlConnection held, string connectionString)
    {
        var first = Backend(held, transaction: null);
        using var other = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        other.Open();
        using var pinned = other.BeginTransaction();
        if (Backend(other, pinned) == first)
        {
            return true;
        }

        try
        {
            return Backend(held, transaction: null, SecondLookTimeoutSeconds) != first;
        }
        catch (NpgsqlException ex) when (ex.InnerException is TimeoutException)
        {
            // Waiting for a server session while another client holds one: only a pooler makes a session wait for another.
            return true;
        }
    }

    private static int Backend(NpgsqlConnection connection, NpgsqlTransaction? transaction, int timeoutSeconds = 0)
    {
        using var command = new NpgsqlCommand(BackendSql, connection, transaction);
        if (timeoutSeconds > 0)
        {
            command.CommandTimeout = timeoutSeconds;
        }

        return (int)command.ExecuteScalar()!;
    }
}
