using System.Data;
using Npgsql;

namespace Domain.Persistence.Commands;

/// <summary>
/// Npgsql 10.0.3 marks a statement as prepared as soon as PostgreSQL has parsed it, before the statement is bound. When
/// the first, preparing execution then fails while PostgreSQL binds or plans it with its parameters (a NUL in text, an
/// over-long value for a varchar, malformed jsonb), the statement stays "prepared" without its result description, and
/// the next execution of the same text on that connection, by anyone, runs (and commits) but then throws "Received
/// unexpected backend message DataRow" (npgsql/npgsql#6391). After any failure reported by PostgreSQL the command's
/// statements are therefore unprepared (closed on the server, forgotten by Npgsql); they are prepared afresh the
/// next time they are used often enough.
/// </summary>
internal static class FailedPreparation
{
    /// <summary>Unprepares <paramref name="command"/>'s statements if the connection is still usable.</summary>
    public static void Forget(NpgsqlCommand command)
    {
        if (IsUsable(command))
        {
            try
            {
                command.Unprepare();
            }
            catch (NpgsqlException)
            {
                // The connection broke while closing the statements: Npgsql discards a broken connection, and the
                // statements with it. The original failure is what the caller needs to see.
            }
        }
    }

    /// <inheritdoc cref="Forget"/>
    public static async Task ForgetAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        if (IsUsable(command))
        {
            try
            {
                await command.UnprepareAsync(cancellationToken);
            }
            catch (NpgsqlException)
            {
                // As in Forget.
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Cancelled while closing: Npgsql breaks a connection whose command it had to cancel.
            }
        }
    }

    private static bool IsUsable(NpgsqlCommand command) => command.Connection is { FullState: ConnectionState.Open };
}
