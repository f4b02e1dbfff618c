using System.Data;
using System.Data.Common;
using Domain.Persistence.Commands;
using Domain.Persistence.Telemetry;
using Npgsql;
using NpgsqlTypes;

namespace Domain.Persistence.Rls;

/// <summary>One setting the claims statement sets transaction-locally, the parameter that carries its value, and the value.</summary>
/// <param name="Name">The configuration parameter, as <c>current_setting</c> reads it.</param>
/// <param name="Parameter">The statement's parameter for the value (settings with the same value share one).</param>
/// <param name="Value">The value for a caller.</param>
/// <param name="SqlValue">
/// The same value in <c>domain_private.set_request_context</c>, from its checked arguments <c>parsed</c> (the claims
/// as jsonb) and <c>role</c>.
/// </param>
internal sealed record RequestSetting(string Name, string Parameter, Func<RlsClaims, string> Value, string SqlValue);

/// <summary>
/// Builds and sends the claims statement: a caller's claims as transaction-local settings, the way PostgREST sends them, in one
/// <c>SELECT set_config(…, true)</c> statement over <see cref="Settings"/>, every setting that <c>auth.uid()</c>,
/// <c>auth.jwt()</c>, <c>auth.role()</c>, <c>auth.email()</c> and the policies read. Each is set, even where the
/// caller has no value for it (as the empty string, which those functions treat as absent), so that a value another
/// client left at session level on a shared connection can never stand in for the caller.
/// </summary>
/// <remarks>
/// The values are parameters, never SQL text. Which roles the statement may switch to is decided by PostgreSQL: the
/// login role is a member of <see cref="RlsClaims.DatabaseRoles"/> only (the API roles and the admin role), so any
/// other role fails with <c>permission denied</c> and the command with it. The claims are built by <see cref="RlsClaims"/>, which only
/// produces JSON objects whose <c>role</c> matches the role switched to. The statement is a plain query rather than
/// a call of <c>domain_private.set_request_context</c> (which sets the same list with checks in PL/pgSQL, for SQL
/// clients): that procedure costs more server time per command (docs/benchmarks.md). Parameter names starting with
/// <see cref="ReservedParameterPrefix"/> belong to the statement; a command that carries one of its own is refused.
/// </remarks>
internal static class ClaimsStatement
{
    /// <summary>The prefix of the statement's parameter names; application parameters may not use it.</summary>
    public const string ReservedParameterPrefix = "__rls_";

    /// <summary>
    /// Every setting the statement sets, in order. <c>request.jwt.claim</c> is what Supabase's <c>auth.jwt()</c> reads
    /// before <c>request.jwt.claims</c>; <c>role</c> comes last, after the settings that describe it.
    /// </summary>
    public static IReadOnlyList<RequestSetting> Settings { get; } =
    [
        new("request.jwt.claims", ReservedParameterPrefix + "claims", c => c.Json, "parsed::text"),
        new("request.jwt.claim", ReservedParameterPrefix + "none", _ => string.Empty, "''"),
        new("request.jwt.claim.sub", ReservedParameterPrefix + "sub", c => c.Subject, "coalesce(parsed ->> 'sub', '')"),
        new("request.jwt.claim.role", ReservedParameterPrefix + "role", c => c.Role, "role"),
        new("request.jwt.claim.email", ReservedParameterPrefix + "email", c => c.Email, "coalesce(parsed ->> 'email', '')"),
        new("role", ReservedParameterPrefix + "role", c => c.Role, "role"),
    ];

    /// <summary>The statement that sets the claims; it returns one row, which nobody reads.</summary>
    public static readonly string StatementSql =
        "SELECT " + string.Join(", ", Settings.Select(s => $"pg_catalog.set_config('{s.Name}', @{s.Parameter}, true)"));

    /// <summary>
    /// The statement for a read-only context (<see cref="DomainDbContext.IsReadOnly"/>): the same settings, and the
    /// transaction made read-only, so PostgreSQL refuses any write it carries, on the primary as on a standby.
    /// Setting <c>transaction_read_only</c> on is allowed at any point of a transaction (only turning it off is not).
    /// </summary>
    public static readonly string ReadOnlyStatementSql = StatementSql + ", pg_catalog.set_config('transaction_read_only', 'on', true)";

    private static readonly RequestSetting[] Parameters = [.. Settings.DistinctBy(s => s.Parameter)];

    private static readonly string PrependedPrefix = StatementSql + ";\n";

    private static readonly string ReadOnlyPrependedPrefix = ReadOnlyStatementSql + ";\n";

    private const string NoResultOfItsOwn = "The command carried the claims statement but returned no result of its own.";

    /// <summary>
    /// Runs the statement on its own inside <paramref name="transaction"/>; <paramref name="readOnly"/> makes the
    /// transaction read-only too (<see cref="ReadOnlyStatementSql"/>).
    /// </summary>
    public static void Apply(DbConnection connection, DbTransaction transaction, RlsClaims claims, bool readOnly)
    {
        using var activity = PersistenceTelemetry.StartClaimsInTransaction(claims);
        using var command = CreateCommand(connection, transaction, claims, readOnly);
        try
        {
            command.ExecuteNonQuery();
        }
        catch (PostgresException)
        {
            FailedPreparation.Forget(command);
            throw;
        }
    }

    /// <inheritdoc cref="Apply"/>
    public static async Task ApplyAsync(
        DbConnection connection, DbTransaction transaction, RlsClaims claims, bool readOnly, CancellationToken cancellationToken)
    {
        using var activity = PersistenceTelemetry.StartClaimsInTransaction(claims);
        await using var command = CreateCommand(connection, transaction, claims, readOnly);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException)
        {
            await FailedPreparation.ForgetAsync(command, cancellationToken);
            throw;
        }
    }

    /// <summary>
    /// Prepends the statement to a command that runs outside any transaction: Npgsql runs the batch in one implicit
    /// transaction, so the settings hold for the command's statements and vanish with it. A reader of such a command
    /// must skip the statement's result first (<see cref="SkipPrepended"/>); rows affected are unchanged, since Npgsql
    /// does not count the rows of a <c>SELECT</c>.
    /// </summary>
    public static void Prepend(DbCommand command, RlsClaims claims, bool readOnly)
    {
        if (command.Parameters.Count > 0 && string.IsNullOrEmpty(command.Parameters[0].ParameterName))
        {
            throw new RlsContextException(
                "A command with positional parameters cannot carry RLS claims outside a transaction; run it inside a transaction.");
        }

        command.CommandText = (readOnly ? ReadOnlyPrependedPrefix : PrependedPrefix) + command.CommandText;
        AddParameters(command.Parameters, claims);
        PersistenceTelemetry.ClaimsPrepended(claims);
    }

    /// <summary>
    /// Refuses a command that carries a parameter named like the statement's: Npgsql binds a name to the first
    /// parameter that has it, so such a parameter would stand in for the caller's claims.
    /// </summary>
    public static void ThrowIfReservedParameters(DbCommand command)
    {
        foreach (DbParameter parameter in command.Parameters)
        {
            var name = parameter.ParameterName.TrimStart('@', ':');
            if (name.StartsWith(ReservedParameterPrefix, StringComparison.OrdinalIgnoreCase))
            {
                throw new RlsContextException(
                    $"The command has a parameter named '{parameter.ParameterName}'; names starting with '{ReservedParameterPrefix}' "
                    + "are reserved for the RLS claims statement. Rename the parameter. Nothing was sent.");
            }
        }
    }

    /// <summary>Whether <see cref="Prepend"/> changed <paramref name="command"/>.</summary>
    public static bool IsPrepended(DbCommand command)
        => command.CommandText.StartsWith(PrependedPrefix, StringComparison.Ordinal)
            || command.CommandText.StartsWith(ReadOnlyPrependedPrefix, StringComparison.Ordinal);

    /// <summary>
    /// Moves a reader of a prepended command past the claims statement's result, to the command's own. When that fails
    /// (the command's own statement is refused, say), the reader is closed before the exception goes on: EF never got
    /// it, and the connection must be free for whatever handles the failure.
    /// </summary>
    public static void SkipPrepended(DbDataReader reader)
    {
        bool hasOwnResult;
        try
        {
            hasOwnResult = reader.NextResult();
        }
        catch
        {
            reader.Dispose();
            throw;
        }

        if (!hasOwnResult)
        {
            reader.Dispose();
            throw new RlsContextException(NoResultOfItsOwn);
        }
    }

    /// <inheritdoc cref="SkipPrepended"/>
    public static async Task SkipPrependedAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        bool hasOwnResult;
        try
        {
            hasOwnResult = await reader.NextResultAsync(cancellationToken);
        }
        catch
        {
            await reader.DisposeAsync();
            throw;
        }

        if (!hasOwnResult)
        {
            await reader.DisposeAsync();
            throw new RlsContextException(NoResultOfItsOwn);
        }
    }

    private static NpgsqlCommand CreateCommand(DbConnection connection, DbTransaction transaction, RlsClaims claims, bool readOnly)
    {
        // Not connection.CreateCommand(): Npgsql 10.0.3 recycles that command object on the connection when it is
        // disposed, even after the connection broke while sending it, and with automatic preparation the recycled
        // command fails the pooled context's next transaction (NullReferenceException in NpgsqlDataReader.NextResult).
        var command = new NpgsqlCommand(readOnly ? ReadOnlyStatementSql : StatementSql, (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        AddParameters(command.Parameters, claims);
        return command;
    }

    /// <summary>The statement's parameters, for a command or a batch command that carries <see cref="StatementSql"/>.</summary>
    public static void AddParameters(DbParameterCollection parameters, RlsClaims claims)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(claims);
        foreach (var setting in Parameters)
        {
            parameters.Add(new NpgsqlParameter(setting.Parameter, NpgsqlDbType.Text) { Value = setting.Value(claims), Direction = ParameterDirection.Input });
        }
    }
}
