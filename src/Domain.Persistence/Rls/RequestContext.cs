using System.Data;
using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace Domain.Persistence.Rls;

/// <summary>
/// Sends a caller's claims to PostgreSQL as transaction-local settings, through the
/// <c>domain_private.set_request_context</c> procedure (the role whitelist and the JSON check live there).
/// </summary>
internal static class RequestContext
{
    public const string ClaimsParameter = "__rls_claims";
    public const string RoleParameter = "__rls_role";

    public static readonly string CallSql =
        $"CALL {DatabaseSchemas.Private}.set_request_context(@{ClaimsParameter}, @{RoleParameter})";

    /// <summary>Runs the procedure on its own inside <paramref name="transaction"/>.</summary>
    public static void Apply(DbConnection connection, DbTransaction transaction, RlsClaims claims)
    {
        using var command = CreateCommand(connection, transaction, claims);
        command.ExecuteNonQuery();
    }

    /// <inheritdoc cref="Apply"/>
    public static async Task ApplyAsync(DbConnection connection, DbTransaction transaction, RlsClaims claims, CancellationToken cancellationToken)
    {
        await using var command = CreateCommand(connection, transaction, claims);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Prepends the procedure call to a command that runs outside any transaction: Npgsql runs the batch in one
    /// implicit transaction, so the settings hold for the command's statements and vanish with it.
    /// </summary>
    public static void Prepend(DbCommand command, RlsClaims claims)
    {
        if (command.Parameters.Count > 0 && string.IsNullOrEmpty(command.Parameters[0].ParameterName))
        {
            throw new InvalidOperationException(
                "A command with positional parameters cannot carry RLS claims outside a transaction; run it inside a transaction.");
        }

        command.CommandText = CallSql + ";\n" + command.CommandText;
        AddParameters(command, claims);
    }

    private static DbCommand CreateCommand(DbConnection connection, DbTransaction transaction, RlsClaims claims)
    {
        // Not connection.CreateCommand(): Npgsql 10.0.3 recycles that command object on the connection when it is
        // disposed, even after the connection broke while sending it, and with automatic preparation the recycled
        // command fails the pooled context's next transaction (NullReferenceException in NpgsqlDataReader.NextResult).
        var command = new NpgsqlCommand(CallSql, (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        AddParameters(command, claims);
        return command;
    }

    private static void AddParameters(DbCommand command, RlsClaims claims)
    {
        command.Parameters.Add(new NpgsqlParameter(ClaimsParameter, NpgsqlDbType.Text) { Value = claims.Json, Direction = ParameterDirection.Input });
        command.Parameters.Add(new NpgsqlParameter(RoleParameter, NpgsqlDbType.Text) { Value = claims.Role, Direction = ParameterDirection.Input });
    }
}
