using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence.Errors;
using Domain.Persistence.Rls;
using Domain.Persistence.Usage;
using Domain.Usage;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Domain.IntegrationTests.Usage;

/// <summary><c>usage_logs</c>: written by the backend as the service role, read by each user for themselves only.</summary>
public sealed class UsageLedgerTests(MigratedDatabase database) : DatabaseTest(database)
{
    [Fact]
    public async Task TheServiceRoleRecords_EachUserReadsOnlyTheirOwn_AnonNothing()
    {
        var alice = await Database.CreateUserAsync();
        var bob = await Database.CreateUserAsync();
        await RecordAsync(Usage(alice, "openai", 0.25m), Usage(alice, "openai", 0.5m), Usage(bob, "kimi", 1m));

        await using (var db = Database.ContextFor(RlsClaims.ForUser(alice)))
        {
            Assert.Equal([alice, alice], await db.UsageLogs.Select(u => u.UserId).ToListAsync());
            var summary = await db.Database.SqlQueryRaw<decimal>("SELECT cost_usd AS \"Value\" FROM public.user_usage_summary").ToListAsync();
            Assert.Equal([0.75m], summary);
        }

        await using (var db = Database.ContextFor(RlsClaims.Anonymous))
        {
            Assert.Equal(0, await db.UsageLogs.CountAsync());
        }

        await using (var db = Database.ContextFor(RlsClaims.Service))
        {
            Assert.Equal(3, await db.UsageLogs.CountAsync());
        }
    }

    [Fact]
    public async Task AUser_CanNeitherWriteNorEraseUsage_EvenTheirOwn()
    {
        var alice = await Database.CreateUserAsync();
        await RecordAsync(Usage(alice, "openai", 0.25m));

        await using (var db = Database.ContextFor(RlsClaims.ForUser(alice)))
        {
            db.UsageLogs.Add(Usage(alice, "openai", 0m));
            await Assert.ThrowsAsync<RlsViolationException>(() => db.SaveChangesAsync());
        }

        foreach (var sql in new[] { "UPDATE public.usage_logs SET cost_usd = 0", "DELETE FROM public.usage_logs" })
        {
            await using var db = Database.ContextFor(RlsClaims.ForUser(alice));
            var ex = await Assert.ThrowsAsync<RlsViolationException>(() => db.Database.ExecuteSqlRawAsync(sql));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
        }

        Assert.Equal(0.25m, await Database.ScalarAsync<decimal>("SELECT sum(cost_usd) FROM public.usage_logs"));
    }

    [Fact]
    public async Task UsageOutlivesItsUser_ForBilling()
    {
        var alice = await Database.CreateUserAsync();
        await RecordAsync(Usage(alice, "openai", 0.25m));

        await TestServer.ExecuteAsync(Database.AdminConnectionString, $"DELETE FROM auth.users WHERE id = '{alice}'");

        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.usage_logs"));
    }

    [Fact]
    public async Task ARecordNamesOnlyWorkOfItsOwnUser_ThroughTheWriterAsThroughEf()
    {
        var (alice, bob) = (await Database.CreateUserAsync(), await Database.CreateUserAsync());
        var alicesSession = await Database.SessionWithOneOfEachAsync(alice);
        var bobsSession = await Database.SessionWithOneOfEachAsync(bob);
        var now = TimeProvider.System.GetUtcNow();
        var writer = new UsageLogWriter(Database.Contexts);

        var written = await writer.AppendAsync(
            [UsageRecord.Create(alice, "openai", "chat", null, 1, 2, 0.01m, now, sessionId: alicesSession.Id)], someMayBeStored: false, CancellationToken.None);
        await Assert.ThrowsAsync<ReferenceViolationException>(
            () => RecordAsync(UsageRecord.Create(alice, "openai", "chat", null, 1, 2, 0.01m, now, sessionId: bobsSession.Id)));

        Assert.Equal(1, written.Written);
        Assert.Equal(alicesSession.Id, await Database.ScalarAsync<Guid>("SELECT session_id FROM public.usage_logs"));
        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.usage_logs"));
    }

    private static UsageRecord Usage(Guid userId, string service, decimal cost)
        => UsageRecord.Create(userId, service, "chat.completion", "model-x", 100, 20, cost, TimeProvider.System.GetUtcNow());

    private async Task RecordAsync(params UsageRecord[] records)
    {
        await using var db = Database.ContextFor(RlsClaims.Service);
        db.UsageLogs.AddRange(records);
        await db.SaveChangesAsync();
    }
}
