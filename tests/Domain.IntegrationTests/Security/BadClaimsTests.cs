using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence.Rls;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Domain.IntegrationTests.Security;

/// <summary>Claims are data, never SQL: hostile values arrive intact, malformed ones fail closed.</summary>
public sealed class BadClaimsTests(MigratedDatabase database) : DatabaseTest(database)
{
    [Theory]
    [InlineData("o'brien@example.test")]
    [InlineData("x\"; select 1; --@example.test")]
    [InlineData("'; drop table public.sessions; --")]
    [InlineData("zoë+ünïcödé@例え.テスト")]
    public async Task HostileEmailInClaims_ArrivesVerbatim_AndChangesNothing(string email)
    {
        var alice = await Database.CreateUserAsync();
        var session = await Database.SessionWithOneOfEachAsync(alice);
        var metadata = new Dictionary<string, object?> { ["plan"] = "pro'); drop table x; --", ["quota"] = 3 };

        await using var db = Database.ContextFor(RlsClaims.ForUser(alice, email, metadata));

        Assert.Equal(email, await db.Database.SqlQueryRaw<string>("SELECT auth.jwt() ->> 'email' AS \"Value\"").SingleAsync());
        Assert.Equal("pro'); drop table x; --",
            await db.Database.SqlQueryRaw<string>("SELECT auth.jwt() -> 'app_metadata' ->> 'plan' AS \"Value\"").SingleAsync());
        Assert.Equal([session.Id], await db.Sessions.Select(s => s.Id).ToListAsync());
        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.sessions"));
    }

    [Theory]
    [InlineData("{not json", "authenticated")]
    [InlineData("[1,2,3]", "authenticated")]
    [InlineData("\"just a string\"", "authenticated")]
    [InlineData("{\"role\":\"anon\"}", "postgres")]
    [InlineData("{\"role\":\"anon\"}", "service_role' OR 1=1 --")]
    [InlineData("{\"role\":\"service_role\"}", "anon")]
    [InlineData("{\"role\":\"authenticated\"}", "service_role")]
    public async Task RequestContextProcedure_RefusesMalformedClaimsOrRoles(string claims, string role)
    {
        await using var connection = new NpgsqlConnection(Database.AppConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand("CALL domain_private.set_request_context(@claims, @role)", connection, transaction);
        command.Parameters.AddWithValue("claims", claims);
        command.Parameters.AddWithValue("role", role);

        await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());

        await using var after = new NpgsqlCommand("SELECT count(*) FROM public.sessions", connection, transaction);
        var aborted = await Assert.ThrowsAsync<PostgresException>(() => after.ExecuteScalarAsync());
        Assert.Equal(PostgresErrorCodes.InFailedSqlTransaction, aborted.SqlState);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[]")]
    [InlineData("{\"role\":\"authenticated\"}")]
    [InlineData("{\"role\":\"authenticated\",\"sub\":\"not-a-uuid\"}")]
    [InlineData("{\"role\":\"postgres\",\"sub\":\"0190a000-0000-7000-8000-000000000001\"}")]
    [InlineData("{\"sub\":\"0190a000-0000-7000-8000-000000000001\"}")]
    public void FromJwtPayload_RefusesWhatItCannotTrust(string payload)
    {
        Assert.Throws<ArgumentException>(() => RlsClaims.FromJwtPayload(payload));
    }

    [Fact]
    public void ForUser_WithEmptyId_Throws()
    {
        Assert.Throws<ArgumentException>(() => RlsClaims.ForUser(Guid.Empty));
    }
}
