using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence;
using Domain.Persistence.Rls;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Domain.IntegrationTests.Security;

/// <summary>
/// The claims statement that the interceptors prepend outside a transaction: EF reads the command's own result, never
/// the statement's; PostgreSQL, not the statement, decides which roles may be switched to; stale session-level claim
/// settings on a shared connection never stand in for the caller.
/// </summary>
public sealed class ClaimsStatementTests(MigratedDatabase database) : DatabaseTest(database)
{
    [Fact]
    public async Task ScalarOutsideATransaction_ReturnsTheCommandsOwnValue_WithTheCallersClaims()
    {
        var alice = await Database.CreateUserAsync();
        await using var db = Database.ContextFor(RlsClaims.ForUser(alice));

        Assert.Equal(alice, await ScalarAsync(db, "SELECT auth.uid()"));
        Assert.Equal("authenticated", await ScalarAsync(db, "SELECT current_user::text"));
        Assert.Equal(DBNull.Value, await ScalarAsync(db, "SELECT NULL::text"));
        Assert.Null(await ScalarAsync(db, "SELECT 1 WHERE false"));
        Assert.Equal(alice, Scalar(db, "SELECT auth.uid()"));
    }

    [Fact]
    public async Task ScalarInsideATransaction_IsSentUnchanged()
    {
        var alice = await Database.CreateUserAsync();
        await using var db = Database.ContextFor(RlsClaims.ForUser(alice));
        await using var transaction = await db.Database.BeginTransactionAsync();

        Assert.Equal(alice, await ScalarAsync(db, "SELECT auth.uid()"));
        Assert.Equal(alice, Scalar(db, "SELECT auth.uid()"));
    }

    [Fact]
    public async Task ReaderOutsideATransaction_WithSeveralResults_ReadsTheCommandsOwn()
    {
        var alice = await Database.CreateUserAsync();
        await using var db = Database.ContextFor(RlsClaims.ForUser(alice));

        var values = await db.Database.SqlQueryRaw<string>("SELECT current_setting('request.jwt.claim.sub') AS \"Value\"").ToListAsync();

        Assert.Equal([alice.ToString()], values);
    }

    [Fact]
    public async Task NonQueryOutsideATransaction_CountsOnlyTheCommandsOwnRows()
    {
        var alice = await Database.CreateUserAsync();
        var first = await Database.SessionWithOneOfEachAsync(alice, "one");
        await Database.SessionWithOneOfEachAsync(alice, "two");
        await using var db = Database.ContextFor(RlsClaims.ForUser(alice));

        Assert.Equal(2, await db.Database.ExecuteSqlRawAsync("UPDATE public.sessions SET title = title || '!'"));
        Assert.Equal(1, await db.Sessions.Where(s => s.Id == first.Id).ExecuteDeleteAsync());
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("pg_read_all_data")]
    [InlineData("no_such_role")]
    public async Task TheStatement_CannotSwitchToARoleTheLoginRoleIsNotMemberOf(string role)
    {
        await using var connection = new NpgsqlConnection(Database.AppConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = StatementFor(connection, transaction, """{"role":"anon"}""", string.Empty, role);

        var ex = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        Assert.Contains(ex.SqlState, new[] { PostgresErrorCodes.InsufficientPrivilege, PostgresErrorCodes.InvalidParameterValue });
    }

    [Fact]
    public async Task TheStatement_SwitchesToTheApiRoles_TransactionLocally()
    {
        await using var connection = new NpgsqlConnection(Database.AppConnectionString);
        await connection.OpenAsync();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using var command = StatementFor(connection, transaction, """{"role":"service_role"}""", string.Empty, RlsClaims.ServiceRole);
            await command.ExecuteNonQueryAsync();
            Assert.Equal(RlsClaims.ServiceRole, await CurrentUserAsync(connection, transaction));
        }

        Assert.Equal(TestServer.AppRole, await CurrentUserAsync(connection, null));
    }

    [Fact]
    public async Task StaleSessionLevelClaims_OnTheConnection_NeverStandInForTheCaller()
    {
        var alice = await Database.CreateUserAsync();
        var bob = await Database.CreateUserAsync();
        var bobSession = await Database.SessionWithOneOfEachAsync(bob);
        // A pool of its own (the application name keys it), dropped at the end: the point of the test is a
        // connection that keeps session-level settings, and no other test may inherit it.
        var contexts = Database.SingleConnectionContexts(noResetOnClose: true, poolName: "stale-session-claims");

        // Another client of the same pooled connection (a pooler in transaction mode, say) left bob's claims behind
        // at session level, in the legacy settings auth.uid() and auth.role() read first. Sent on the context's own
        // connection, past EF and its interceptors, so it lands on the physical connection the contexts share.
        int leakedOn;
        await using (var db = contexts.AsAnon())
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            await connection.OpenAsync();
            await using var leak = new NpgsqlCommand(
                $"SET request.jwt.claim.sub = '{bob}'; SET request.jwt.claim.role = 'service_role'; SET request.jwt.claims = '{{\"sub\":\"{bob}\"}}'; "
                + "SELECT pg_backend_pid()",
                connection);
            leakedOn = (int)(await leak.ExecuteScalarAsync())!;
            await connection.CloseAsync();
        }

        try
        {
            await using (var db = contexts.ForUser(alice))
            {
                Assert.Equal(leakedOn, await ScalarAsync(db, "SELECT pg_backend_pid()"));
                Assert.Equal(alice, await ScalarAsync(db, "SELECT auth.uid()"));
                Assert.Equal(RlsClaims.AuthenticatedRole, await ScalarAsync(db, "SELECT auth.role()"));
                Assert.Empty(await db.Sessions.ToListAsync());
            }

            await using (var db = contexts.AsAnon())
            {
                Assert.Equal(leakedOn, await ScalarAsync(db, "SELECT pg_backend_pid()"));
                Assert.Equal(DBNull.Value, await ScalarAsync(db, "SELECT auth.uid()"));
                Assert.Empty(await db.Sessions.Where(s => s.Id == bobSession.Id).ToListAsync());
            }

            await using (var db = contexts.AsAnon())
            {
                // Still there at session level, outside any transaction: the statement only ever covered its own.
                var connection = (NpgsqlConnection)db.Database.GetDbConnection();
                await connection.OpenAsync();
                await using var probe = new NpgsqlCommand("SELECT current_setting('request.jwt.claim.sub')", connection);
                Assert.Equal(bob.ToString(), await probe.ExecuteScalarAsync());
            }
        }
        finally
        {
            await using var db = contexts.AsAnon();
            NpgsqlConnection.ClearPool((NpgsqlConnection)db.Database.GetDbConnection());
        }
    }

    private static NpgsqlCommand StatementFor(NpgsqlConnection connection, NpgsqlTransaction transaction, string claims, string sub, string role)
    {
        // The statement's parameters with chosen values for the claims, the sub and the role; the others empty.
        var command = new NpgsqlCommand(ClaimsStatement.StatementSql, connection, transaction);
        foreach (var setting in ClaimsStatement.Settings.DistinctBy(s => s.Parameter))
        {
            var value = setting.Name switch
            {
                "request.jwt.claims" => claims,
                "request.jwt.claim.sub" => sub,
                "role" or "request.jwt.claim.role" => role,
                _ => string.Empty,
            };
            command.Parameters.AddWithValue(setting.Parameter, value);
        }

        return command;
    }

    private static async Task<string?> CurrentUserAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction)
    {
        await using var command = new NpgsqlCommand("SELECT current_user::text", connection, transaction);
        return (string?)await command.ExecuteScalarAsync();
    }

    /// <summary>Runs <paramref name="sql"/> through EF's own scalar path, interceptors included.</summary>
    private static Task<object?> ScalarAsync(DomainDbContext db, string sql)
        => Command(db, sql).ExecuteScalarAsync(Parameters(db));

    private static object? Scalar(DomainDbContext db, string sql) => Command(db, sql).ExecuteScalar(Parameters(db));

    private static IRelationalCommand Command(DomainDbContext db, string sql)
        => db.GetService<IRawSqlCommandBuilder>().Build(sql);

    private static RelationalCommandParameterObject Parameters(DomainDbContext db)
        => new(db.GetService<IRelationalConnection>(), null, null, db, db.GetService<IRelationalCommandDiagnosticsLogger>());
}
