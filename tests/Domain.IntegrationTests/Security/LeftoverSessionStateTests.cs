using System.Data;
using System.Text.Json.Nodes;
using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence;
using Domain.Persistence.Errors;
using Domain.Persistence.Rls;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Domain.IntegrationTests.Security;

/// <summary>
/// Whatever one caller leaves at session level on a pooled physical connection (settings that <c>auth.jwt()</c>,
/// <c>auth.uid()</c> and the policies read, a role, a temporary table that shadows a table's unqualified name), the
/// next caller on that connection gets exactly their own rights: no identity means no rows, not all rows.
/// </summary>
public sealed class LeftoverSessionStateTests(MigratedDatabase database) : DatabaseTest(database)
{
    /// <summary>
    /// Settings an earlier client can leave at session level. <c>request.jwt.claim</c> is the one <c>auth.jwt()</c>
    /// reads first (Supabase's definition), so a leftover admin claim there used to make every later caller an admin.
    /// </summary>
    private static readonly string[] LeftoverSettings =
    [
        "request.jwt.claim", "request.jwt.claims", "request.jwt.claim.sub", "request.jwt.claim.role", "request.jwt.claim.email",
    ];

    [Theory]
    [InlineData(null)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AdminClaimsLeftAtSessionLevel_DoNotMakeTheNextCallerAnAdmin(bool? noResetOnClose)
    {
        var (ada, linus) = (await Database.CreateUserAsync(), await Database.CreateUserAsync());
        await Database.SessionWithOneOfEachAsync(ada, "ada's");
        await Database.SessionWithOneOfEachAsync(linus, "linus's");
        var contexts = Database.OneConnectionContexts($"leftover-admin-{noResetOnClose}", noResetOnClose);
        try
        {
            await using (var admin = contexts.For(RlsClaims.ForAdmin(ada)))
            {
                Assert.Equal(2, await admin.Sessions.CountAsync());
                await admin.Database.ExecuteSqlRawAsync(
                    "SELECT set_config('request.jwt.claim', current_setting('request.jwt.claims'), false)");
            }

            await using var next = contexts.ForUser(linus);

            Assert.Equal(["linus's"], await next.Sessions.Select(s => s.Title).ToListAsync());
            await using var transaction = await next.Database.BeginTransactionAsync();
            Assert.Equal(["linus's"], await next.Sessions.Select(s => s.Title).ToListAsync());
        }
        finally
        {
            contexts.ClearPool();
        }
    }

    [Fact]
    public async Task ACallerWithRawSql_CannotMakeItselfAdmin_ThroughALegacyClaimSetting()
    {
        var (ada, linus) = (await Database.CreateUserAsync(), await Database.CreateUserAsync());
        await Database.SessionWithOneOfEachAsync(ada, "ada's");
        await Database.SessionWithOneOfEachAsync(linus, "linus's");
        await using var db = Database.ContextFor(RlsClaims.ForUser(linus));
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();

        foreach (var setting in LeftoverSettings)
        {
            await using var forge = new NpgsqlCommand(
                "SELECT set_config(@name, '{\"role\":\"authenticated\",\"app_metadata\":{\"role\":\"admin\"}}', false)", connection);
            forge.Parameters.AddWithValue("name", setting);
            await forge.ExecuteNonQueryAsync();
        }

        Assert.Equal(["linus's"], await db.Sessions.Select(s => s.Title).ToListAsync());
        await using var transaction = await db.Database.BeginTransactionAsync();
        Assert.Equal(["linus's"], await db.Sessions.Select(s => s.Title).ToListAsync());
    }

    [Fact]
    public async Task EverySettingTheAuthFunctionsAndPoliciesRead_IsSetByTheClaimsStatement()
    {
        // The request settings the database reads: in auth.uid(), auth.jwt(), auth.role() (and auth.email() where it
        // exists), in every function of our own schemas, and in every policy. Each must be one the statement sets.
        var read = await Database.ScalarAsync<string[]>("""
            WITH sources AS (
                SELECT pg_catalog.pg_get_functiondef(p.oid) AS text
                  FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
                 WHERE n.nspname IN ('auth', 'domain_private', 'public') AND p.prokind IN ('f', 'p')
                UNION ALL
                SELECT coalesce(qual, '') || ' ' || coalesce(with_check, '') FROM pg_catalog.pg_policies)
            SELECT coalesce(array_agg(DISTINCT m[1] ORDER BY m[1]), '{}')
              FROM sources, regexp_matches(text, 'current_setting\(''([^'']+)''', 'g') AS m
            """);

        Assert.NotNull(read);
        Assert.Contains("request.jwt.claim", read);
        Assert.Contains("request.jwt.claims", read);
        Assert.Empty(read.Except(ClaimsStatement.Settings.Select(s => s.Name)));
    }

    [Theory]
    [InlineData("authenticated", false)]
    [InlineData("anon", false)]
    [InlineData("service_role", false)]
    [InlineData("authenticated", true)]
    [InlineData("anon", true)]
    [InlineData("service_role", true)]
    public async Task TheClaimsStatementAndTheProcedure_OverrideEveryLeftoverSetting_ForTheirTransaction(string role, bool throughProcedure)
    {
        var user = await Database.CreateUserAsync("someone@example.test");
        var claims = role switch
        {
            RlsClaims.AuthenticatedRole => RlsClaims.ForUser(user, "someone@example.test"),
            RlsClaims.AnonRole => RlsClaims.Anonymous,
            _ => RlsClaims.Service,
        };
        await using var connection = new NpgsqlConnection(Database.AppConnectionString);
        await connection.OpenAsync();
        foreach (var setting in LeftoverSettings)
        {
            await using var leave = new NpgsqlCommand("SELECT set_config(@name, '{\"sub\":\"00000000-0000-0000-0000-000000000001\"}', false)", connection);
            leave.Parameters.AddWithValue("name", setting);
            await leave.ExecuteNonQueryAsync();
        }

        await using var transaction = await connection.BeginTransactionAsync();
        if (throughProcedure)
        {
            await using var call = new NpgsqlCommand("CALL domain_private.set_request_context(@claims, @role)", connection, transaction);
            call.Parameters.AddWithValue("claims", claims.Json);
            call.Parameters.AddWithValue("role", claims.Role);
            await call.ExecuteNonQueryAsync();
        }
        else
        {
            await using var statement = new NpgsqlCommand(ClaimsStatement.StatementSql, connection, transaction);
            ClaimsStatement.AddParameters(statement.Parameters, claims);
            await statement.ExecuteNonQueryAsync();
        }

        await using var probe = new NpgsqlCommand(
            "SELECT auth.uid(), auth.role(), auth.jwt()::text, current_user::text, current_setting('request.jwt.claim', true), "
            + "current_setting('request.jwt.claim.email', true)", connection, transaction);
        await using var reader = await probe.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(claims.UserId, reader.IsDBNull(0) ? null : reader.GetGuid(0));
        Assert.Equal(role, reader.GetString(1));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(claims.Json), JsonNode.Parse(reader.GetString(2))), reader.GetString(2));
        Assert.Equal(role, reader.GetString(3));
        Assert.Equal(string.Empty, reader.GetString(4));
        Assert.Equal(role == RlsClaims.AuthenticatedRole ? "someone@example.test" : string.Empty, reader.GetString(5));
    }

    [Fact]
    public async Task ARoleLeftAtSessionLevel_IsNotTheNextCallersRole_ForRawNpgsqlOnTheContextsConnection()
    {
        await ArrangeAsync();
        var contexts = Database.OneConnectionContexts("leftover-role-raw");
        try
        {
            await LeaveServiceRoleAsync(contexts);

            await using var next = contexts.ForUser(await Database.CreateUserAsync());
            var connection = (NpgsqlConnection)next.Database.GetDbConnection();
            await connection.OpenAsync();
            await using var raw = new NpgsqlCommand("SELECT count(*) FROM public.sessions", connection);

            var refused = await Assert.ThrowsAsync<PostgresException>(() => raw.ExecuteScalarAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }
        finally
        {
            contexts.ClearPool();
        }
    }

    [Fact]
    public async Task ARoleLeftAtSessionLevel_IsNotTheNextCallersRole_AfterACommitInsideRawSql()
    {
        await ArrangeAsync();
        var contexts = Database.OneConnectionContexts("leftover-role-commit");
        try
        {
            await LeaveServiceRoleAsync(contexts);

            await using var next = contexts.ForUser(await Database.CreateUserAsync());
            await Assert.ThrowsAsync<RlsViolationException>(
                () => next.Database.ExecuteSqlRawAsync("COMMIT; UPDATE public.sessions SET title = 'taken'"));

            Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.sessions WHERE title = 'taken'"));
        }
        finally
        {
            contexts.ClearPool();
        }
    }

    [Fact]
    public async Task ARoleLeftAtSessionLevel_IsNotTheNextCallersRole_WhenTheClaimsAreRolledBackToASavepoint()
    {
        await ArrangeAsync();
        var contexts = Database.OneConnectionContexts("leftover-role-savepoint");
        try
        {
            await LeaveServiceRoleAsync(contexts);

            var user = await Database.CreateUserAsync();
            await using var next = contexts.ForUser(user);
            var connection = (NpgsqlConnection)next.Database.GetDbConnection();
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await transaction.SaveAsync("before_ef");
            await next.Database.UseTransactionAsync(transaction);
            Assert.Equal(0, await next.Sessions.CountAsync());
            await transaction.RollbackAsync("before_ef");

            // The claims went with the savepoint: what is left is the login role, which owns nothing.
            await Assert.ThrowsAsync<RlsViolationException>(() => next.Sessions.CountAsync());
        }
        finally
        {
            contexts.ClearPool();
        }
    }

    [Fact]
    public async Task ATemporaryTableLeftBehind_DoesNotShadowAPublicTable_ForTheNextCaller()
    {
        await ArrangeAsync();
        var contexts = Database.OneConnectionContexts("leftover-temp-table");
        try
        {
            await using (var first = contexts.AsServiceRole())
            {
                await first.Database.ExecuteSqlRawAsync("CREATE TEMPORARY TABLE sessions AS SELECT * FROM public.sessions; GRANT SELECT ON sessions TO PUBLIC");
            }

            var user = await Database.CreateUserAsync();
            await using var next = contexts.ForUser(user);

            Assert.Equal(0, await next.Database.SqlQueryRaw<int>("SELECT count(*)::int AS \"Value\" FROM sessions").SingleAsync());
        }
        finally
        {
            contexts.ClearPool();
        }
    }

    [Fact]
    public async Task APooledConnection_IsResetBeforeItsNextUse_ByDefault()
    {
        var contexts = Database.OneConnectionContexts("leftover-default");
        try
        {
            await using (var first = contexts.AsAnon())
            {
                var connection = (NpgsqlConnection)first.Database.GetDbConnection();
                await connection.OpenAsync();
                await using var leave = new NpgsqlCommand("SET ROLE service_role; SET request.jwt.claim = '{\"role\":\"service_role\"}'", connection);
                await leave.ExecuteNonQueryAsync();
            }

            await using var next = contexts.AsAnon();
            var again = (NpgsqlConnection)next.Database.GetDbConnection();
            await again.OpenAsync();
            await using var probe = new NpgsqlCommand("SELECT current_user::text, current_setting('request.jwt.claim', true)", again);
            await using var reader = await probe.ExecuteReaderAsync(CommandBehavior.SingleRow);
            Assert.True(await reader.ReadAsync());
            Assert.Equal(TestServer.AppRole, reader.GetString(0));
            Assert.True(reader.IsDBNull(1) || reader.GetString(1).Length == 0);
        }
        finally
        {
            contexts.ClearPool();
        }
    }

    private async Task ArrangeAsync()
    {
        foreach (var title in new[] { "one", "two" })
        {
            await Database.SessionWithOneOfEachAsync(await Database.CreateUserAsync(), title);
        }
    }

    /// <summary>An earlier caller switches the connection's session to the service role through raw SQL.</summary>
    private static async Task LeaveServiceRoleAsync(DomainDbContextFactory contexts)
    {
        await using var earlier = contexts.ForUser(Guid.CreateVersion7());
        await earlier.Database.ExecuteSqlRawAsync("SET ROLE service_role");
    }
}
