using System.Data;
using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace Domain.Persistence.Rls;

/// <summary>
/// Sends a caller's claims to PostgreSQL as transaction-local settings, the way PostgREST does: one
/// <c>SELECT set_config(…, true)</c> statement that sets <c>request.jwt.claims</c>, the legacy
/// <c>request.jwt.claim.sub</c> and <c>request.jwt.claim.role</c> (so that a value left at session level by another
/// client of a shared connection can never stand in for the caller), and <c>role</c>.
/// </summary>
/// <remarks>
/// The values are parameters, never SQL text. Which roles the statement may switch to is decided by PostgreSQL: the
/// login role is a member of <c>anon</c>, <c>authenticated</c> and <c>service_role</c> only, so any other role fails
/// with <c>permission denied</c> and the command with it. The claims are built by <see cref="RlsClaims"/>, which only
/// produces JSON objects whose <c>role</c> matches the role switched to. The statement is a plain query rather than
/// a call of <c>domain_private.set_request_context</c> (which checks the same things in PL/pgSQL, for SQL clients):
/// that procedure costs about 30 µs of server time more per command, measured in docs/benchmarks.md.
/// </remarks>
internal static class RequestContext
{
    public const string ClaimsParameter = "__rls_claims";
    public const string SubjectParameter = "__rls_sub";
    public const string RoleParameter = "__rls_role";

    /// <summary>The statement that sets the claims; it returns one row, which nobody reads.</summary>
    public const string StatementSql =
        $"SELECT pg_catalog.set_config('request.jwt.claims', @{ClaimsParameter}, true), "
        + $"pg_catalog.set_config('request.jwt.claim.sub', @{SubjectParameter}, true), "
        + $"pg_catalog.set_config('request.jwt.claim.role', @{RoleParameter}, true), "
        + $"pg_catalog.set_config('role', @{RoleParameter}, true)";

    /// <summary>The settings the statement sets, in order, and where each value comes from.</summary>
    public static IReadOnlyList<(string Name, Func<RlsClaims, string> Value)> Settings { get; } =
    [
        ("request.jwt.claims", c => c.Json),
        ("request.jwt.claim.sub", c => c.Subject),
        ("request.jwt.claim.role", c => c.Role),
        ("role", c => c.Role),
    ];

    private const string PrependedPrefix = StatementSql + ";\n";

    private const string NoResultOfItsOwn = "The command carried the claims statement but returned no result of its own.";

    /// <summary>Runs the statement on its own inside <paramref name="transaction"/>.</summary>
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
    /// Prepends the statement to a command that runs outside any transaction: Npgsql runs the batch in one implicit
    /// transaction, so the settings hold for the command's statements and vanish with it. A reader of such a command
    /// must skip the statement's result first (<see cref="SkipPrepended"/>); rows affected are unchanged, since Npgsql
    /// does not count the rows of a <c>SELECT</c>.
    /// </summary>
    public static void Prepend(DbCommand command, RlsClaims claims)
    {
        if (command.Parameters.Count > 0 && string.IsNullOrEmpty(command.Parameters[0].ParameterName))
        {
            throw new RlsContextException(
                "A command with positional parameters cannot carry RLS claims outside a transaction; run it inside a transaction.");
        }

        command.CommandText = PrependedPrefix + command.CommandText;
        AddParameters(command.Parameters, claims);
    }

    /// <summary>Whether <see cref="Prepend"/> changed <paramref name="command"/>.</summary>
    public static bool IsPrepended(DbCommand command) => command.CommandText.StartsWith(PrependedPrefix, StringComparison.Ordinal);

    /// <summary>Moves a reader of a prepended command past the claims statement's result, to the command's own.</summary>
    public static void SkipPrepended(DbDataReader reader)
    {
        if (!reader.NextResult())
        {
            throw new RlsContextException(NoResultOfItsOwn);
        }
    }

    /// <inheritdoc cref="SkipPrepended"/>
    public static async Task SkipPrependedAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        if (!await reader.NextResultAsync(cancellationToken))
        {
            throw new RlsContextException(NoResultOfItsOwn);
        }
    }

    private static DbCommand CreateCommand(DbConnection connection, DbTransaction transaction, RlsClaims claims)
    {
        // Not connection.CreateCommand(): Npgsql 10.0.3 recycles that command object on the connection when it is
        // disposed, even after the connection broke while sending it, and with automatic preparation the recycled
        // command fails the pooled context's next transaction (NullReferenceException in NpgsqlDataReader.NextResult).
        var command = new NpgsqlCommand(StatementSql, (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        AddParameters(command.Parameters, claims);
        return command;
    }

    /// <summary>The statement's parameters, for a command or a batch command that carries <see cref="StatementSql"/>.</summary>
    public static void AddParameters(DbParameterCollection parameters, RlsClaims claims)
    {
        parameters.Add(new NpgsqlParameter(ClaimsParameter, NpgsqlDbType.Text) { Value = claims.Json, Direction = ParameterDirection.Input });
        parameters.Add(new NpgsqlParameter(SubjectParameter, NpgsqlDbType.Text) { Value = claims.Subject, Direction = ParameterDirection.Input });
        parameters.Add(new NpgsqlParameter(RoleParameter, NpgsqlDbType.Text) { Value = claims.Role, Direction = ParameterDirection.Input });
    }
}
