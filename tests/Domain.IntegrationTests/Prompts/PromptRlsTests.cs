using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence.Errors;
using Domain.Persistence.Rls;
using Domain.Prompts;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Domain.IntegrationTests.Prompts;

/// <summary>
/// Row-level security of the prompt tables, caller by caller: a user, another user, anon, an admin and the service
/// role. Prompts and versions are shared reference data; performance records are a ledger owned by the measured user.
/// </summary>
public sealed class PromptRlsTests(MigratedDatabase database) : DatabaseTest(database)
{
    private static readonly string[] SharedTables = ["system_prompts", "prompt_versions"];

    private Guid _alice;
    private Guid _bob;
    private Guid _admin;
    private SystemPrompt _prompt = null!;

    public static TheoryData<string> Shared => new(SharedTables);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        (_alice, _bob, _admin) = (await Database.CreateUserAsync(), await Database.CreateUserAsync(), await Database.CreateUserAsync());
        var now = Clock.GetUtcNow();
        _prompt = SystemPrompt.Create("chat", "kimi", 1, null, now);
        var version = _prompt.PublishVersion("Be brief.", null, null, now);
        _prompt.Activate(version, now);
        await using var backend = Database.ContextFor(RlsClaims.Service);
        backend.SystemPrompts.Add(_prompt);
        backend.PromptPerformance.AddRange(
            PromptPerformanceRecord.Create(_alice, version.Id, 10, 100, true, now),
            PromptPerformanceRecord.Create(_bob, version.Id, 20, 300, false, now, errorMessage: "timeout"));
        await backend.SaveChangesAsync();
    }

    [Theory]
    [MemberData(nameof(Shared))]
    public async Task EverySignedInCaller_ReadsEveryRow_AndAnonNone(string table)
    {
        var rows = await CountAsync(RlsClaims.Service, table);

        Assert.Equal(1, rows);
        Assert.Equal(rows, await CountAsync(RlsClaims.ForUser(_alice), table));
        Assert.Equal(rows, await CountAsync(RlsClaims.ForUser(_bob), table));
        Assert.Equal(rows, await CountAsync(RlsClaims.ForAdmin(_admin), table));
        Assert.Equal(0, await CountAsync(RlsClaims.Anonymous, table));
    }

    [Fact]
    public async Task AUser_CannotPublishActivateOrRemove_AndAnonEvenLess()
    {
        foreach (var caller in new[] { RlsClaims.ForUser(_alice), RlsClaims.Anonymous })
        {
            await AssertRefusedAsync(caller, $"UPDATE public.system_prompts SET description = 'mine' WHERE id = '{_prompt.Id}'");
            await AssertRefusedAsync(caller, "DELETE FROM public.prompt_versions");
            await AssertRefusedAsync(caller, "INSERT INTO public.system_prompts (tool_name, provider, tier, last_version_number) VALUES ('x', 'y', 0, 0)");

            await using var db = Database.ContextFor(caller);
            var prompt = await db.SystemPrompts.SingleOrDefaultAsync();
            if (prompt is not null)
            {
                prompt.Activate(prompt.PublishVersion("Be verbose.", null, caller.UserId, Clock.GetUtcNow()), Clock.GetUtcNow());
                await Assert.ThrowsAsync<RlsViolationException>(() => db.SaveChangesAsync());
            }
        }

        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.prompt_versions"));
        Assert.Null(await Database.ScalarAsync<string>("SELECT description FROM public.system_prompts"));
    }

    [Fact]
    public async Task AnAdminAndTheServiceRole_PublishAndActivate()
    {
        var number = 1;
        foreach (var caller in new[] { RlsClaims.ForAdmin(_admin), RlsClaims.Service })
        {
            await using var db = Database.ContextFor(caller);
            var prompt = await db.SystemPrompts.SingleAsync();
            prompt.Activate(prompt.PublishVersion($"Version by {caller.Role}.", null, caller.UserId, Clock.GetUtcNow()), Clock.GetUtcNow());
            await db.SaveChangesAsync();
            Assert.Equal(++number, await Database.ScalarAsync<int>("SELECT active_version_number FROM public.system_prompts"));
        }

        Assert.Equal(3L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.prompt_versions"));
    }

    [Fact]
    public async Task AnAdmin_CannotChangeOrRemoveAPublishedVersion_NorRemoveAPrompt_TheServiceRoleCan()
    {
        await AssertRefusedAsync(RlsClaims.ForAdmin(_admin), "UPDATE public.prompt_versions SET notes = 'rewritten'");
        await AssertRefusedAsync(RlsClaims.ForAdmin(_admin), "DELETE FROM public.prompt_versions");
        await AssertRefusedAsync(RlsClaims.ForAdmin(_admin), "DELETE FROM public.system_prompts");

        await using var db = Database.ContextFor(RlsClaims.Service);
        Assert.Equal(1, await db.Database.ExecuteSqlRawAsync("DELETE FROM public.system_prompts"));
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.prompt_performance"));
    }

    [Fact]
    public async Task PerformanceRecords_EachUserReadsTheirOwn_AdminsAndTheBackendAll_AnonNone()
    {
        Assert.Equal([_alice], await OwnersVisibleAsync(RlsClaims.ForUser(_alice)));
        Assert.Equal([_bob], await OwnersVisibleAsync(RlsClaims.ForUser(_bob)));
        Assert.Equal(new[] { _alice, _bob }.Order(), await OwnersVisibleAsync(RlsClaims.ForAdmin(_admin)));
        Assert.Equal(new[] { _alice, _bob }.Order(), await OwnersVisibleAsync(RlsClaims.Service));
        Assert.Empty(await OwnersVisibleAsync(RlsClaims.Anonymous));
    }

    [Fact]
    public async Task PerformanceRecords_OnlyTheBackendAppends_AndNobodyChangesThem()
    {
        var version = await Database.ScalarAsync<Guid>("SELECT id FROM public.prompt_versions");
        foreach (var caller in new[] { RlsClaims.ForUser(_alice), RlsClaims.ForAdmin(_admin), RlsClaims.Anonymous })
        {
            await using var db = Database.ContextFor(caller);
            db.PromptPerformance.Add(PromptPerformanceRecord.Create(_alice, version, 1, 1, true, Clock.GetUtcNow()));
            await Assert.ThrowsAsync<RlsViolationException>(() => db.SaveChangesAsync());
            await AssertRefusedAsync(caller, "UPDATE public.prompt_performance SET latency_ms = 0");
            await AssertRefusedAsync(caller, "DELETE FROM public.prompt_performance");
        }

        await AssertRefusedAsync(RlsClaims.Service, "UPDATE public.prompt_performance SET latency_ms = 0");
        await AssertRefusedAsync(RlsClaims.Service, "DELETE FROM public.prompt_performance");
        Assert.Equal(2L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.prompt_performance"));
    }

    [Fact]
    public async Task TheResultsView_IsForAdminsAndTheBackend_UsersAndAnonAreRefused()
    {
        await using (var admin = Database.ContextFor(RlsClaims.ForAdmin(_admin)))
        {
            var row = await admin.PromptVersionResults.SingleAsync();
            Assert.Equal((2L, 1L, 0.5, 200.0), (row.Runs, row.Successes, row.SuccessRate, row.MedianLatencyMs));
        }

        await using (var backend = Database.ContextFor(RlsClaims.Service))
        {
            Assert.Equal(2L, (await backend.PromptVersionResults.SingleAsync()).Runs);
        }

        foreach (var caller in new[] { RlsClaims.ForUser(_alice), RlsClaims.Anonymous })
        {
            await using var db = Database.ContextFor(caller);
            var refused = await Assert.ThrowsAsync<RlsViolationException>(() => db.PromptVersionResults.ToListAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }
    }

    [Fact]
    public async Task AnonWithEverythingGranted_AsOlderSupabaseProjectsDo_StillReadsNoPrompt()
    {
        await TestServer.ExecuteAsync(
            Database.AdminConnectionString,
            "GRANT ALL ON public.system_prompts, public.prompt_versions, public.prompt_performance, public.prompt_version_results TO anon");
        try
        {
            foreach (var table in SharedTables.Append("prompt_performance").Append("prompt_version_results"))
            {
                Assert.Equal(0, await CountAsync(RlsClaims.Anonymous, table));
            }

            await using var db = Database.ContextFor(RlsClaims.Anonymous);
            Assert.Equal(0, await db.Database.ExecuteSqlRawAsync("UPDATE public.system_prompts SET tier = 3"));
            Assert.Equal(0, await db.Database.ExecuteSqlRawAsync("DELETE FROM public.prompt_versions"));
        }
        finally
        {
            await TestServer.ExecuteAsync(Database.AdminConnectionString, """
                REVOKE ALL ON public.system_prompts, public.prompt_versions, public.prompt_performance, public.prompt_version_results FROM anon;
                GRANT SELECT ON public.system_prompts, public.prompt_versions, public.prompt_performance TO anon;
                """);
        }

        Assert.Equal(1, await Database.ScalarAsync<int>("SELECT tier FROM public.system_prompts"));
    }

    private async Task<int> CountAsync(RlsClaims caller, string table)
    {
        await using var db = Database.ContextFor(caller);
#pragma warning disable EF1002 // the table name comes from this class's fixed lists
        return await db.Database.SqlQueryRaw<int>($"SELECT count(*)::int AS \"Value\" FROM public.{table}").SingleAsync();
#pragma warning restore EF1002
    }

    private async Task<List<Guid>> OwnersVisibleAsync(RlsClaims caller)
    {
        await using var db = Database.ContextFor(caller);
        return await db.PromptPerformance.Select(r => r.UserId).Distinct().OrderBy(u => u).ToListAsync();
    }

    /// <summary>The statement is refused for lack of a privilege, or reaches no row: either way it changes nothing.</summary>
    private async Task AssertRefusedAsync(RlsClaims caller, string sql)
    {
        await using var db = Database.ContextFor(caller);
        try
        {
            Assert.Equal(0, await db.Database.ExecuteSqlRawAsync(sql));
        }
        catch (RlsViolationException ex)
        {
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
        }
    }
}
