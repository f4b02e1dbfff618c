using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence.Errors;
using Domain.Persistence.Rls;
using Domain.Sessions;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Domain.IntegrationTests.Security;

/// <summary>
/// The policy matrix: four tables × select/insert/update/delete × owner, another user, anon, service role, admin.
/// Raw SQL is used for the writes so that exactly one statement meets exactly one policy.
/// </summary>
public sealed class RlsPolicyTests(MigratedDatabase database) : DatabaseTest(database)
{
    private static readonly string[] TableNames = ["sessions", "session_revisions", "session_drafts", "hole_resolutions"];

    public static TheoryData<string> Tables => new(TableNames);

    /// <summary>What each table lets its owner do (revisions are append-only history).</summary>
    private static readonly Dictionary<string, (bool Update, bool Delete, string UpdateSet)> OwnerRights = new()
    {
        ["sessions"] = (true, true, "title = 'changed'"),
        ["session_revisions"] = (false, false, "change_summary = 'changed'"),
        ["session_drafts"] = (true, true, "is_valid = NOT is_valid"),
        ["hole_resolutions"] = (true, true, "confidence = 0.01"),
    };

    private Guid _alice;
    private Guid _bob;
    private Session _aliceSession = null!;
    private Session _bobSession = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _alice = await Database.CreateUserAsync("alice@example.test");
        _bob = await Database.CreateUserAsync("bob@example.test");
        _aliceSession = await Database.SessionWithOneOfEachAsync(_alice, "alice");
        _bobSession = await Database.SessionWithOneOfEachAsync(_bob, "bob");
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public async Task Select_OwnerSeesOwnRowsOnly(string table)
    {
        Assert.Equal([_alice], await Database.UserIdsVisibleAsync(RlsClaims.ForUser(_alice), table));
        Assert.Equal([_bob], await Database.UserIdsVisibleAsync(RlsClaims.ForUser(_bob), table));
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public async Task Select_AnonSeesNothing_ServiceRoleAndAdminSeeEverything(string table)
    {
        Assert.Empty(await Database.UserIdsVisibleAsync(RlsClaims.Anonymous, table));
        Assert.Equal(Sorted(_alice, _bob), await Database.UserIdsVisibleAsync(RlsClaims.Service, table));
        var admin = await Database.CreateUserAsync("admin@example.test");
        Assert.Equal(Sorted(_alice, _bob), await Database.UserIdsVisibleAsync(RlsClaims.ForAdmin(admin), table));
    }

    [Fact]
    public async Task Select_UserMetadataClaimingAdmin_IsNotAdmin()
    {
        var payload = "{\"sub\":\"" + _bob + "\",\"role\":\"authenticated\",\"user_metadata\":{\"role\":\"admin\"}}";

        Assert.Equal([_bob], await Database.UserIdsVisibleAsync(RlsClaims.FromJwtPayload(payload), "sessions"));
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public async Task Update_OfAnotherUsersRows_AffectsNothing_ForUserAndAdmin(string table)
    {
        var admin = await Database.CreateUserAsync();
        foreach (var caller in new[] { RlsClaims.ForUser(_bob), RlsClaims.ForAdmin(admin) })
        {
            var affected = await Database.TryExecuteAsync(caller, $"UPDATE public.{table} SET {OwnerRights[table].UpdateSet} WHERE user_id = '{_alice}'");
            Assert.True(affected is 0 or null, $"{caller} changed {affected} of alice's rows in {table}");
        }

        await AssertAliceUntouchedAsync();
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public async Task Delete_OfAnotherUsersRows_AffectsNothing_ForUserAdminAndAnon(string table)
    {
        var admin = await Database.CreateUserAsync();
        foreach (var caller in new[] { RlsClaims.ForUser(_bob), RlsClaims.ForAdmin(admin), RlsClaims.Anonymous })
        {
            var affected = await Database.TryExecuteAsync(caller, $"DELETE FROM public.{table} WHERE user_id = '{_alice}'");
            Assert.True(affected is 0 or null, $"{caller} deleted {affected} of alice's rows in {table}");
        }

        await AssertAliceUntouchedAsync();
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public async Task UpdateAndDelete_ByOwner_FollowTheTablesRights(string table)
    {
        var rights = OwnerRights[table];

        var updated = await Database.TryExecuteAsync(RlsClaims.ForUser(_alice), $"UPDATE public.{table} SET {rights.UpdateSet} WHERE user_id = '{_alice}'");
        Assert.Equal(rights.Update ? 1 : null, updated);

        var deleted = await Database.TryExecuteAsync(RlsClaims.ForUser(_alice), $"DELETE FROM public.{table} WHERE user_id = '{_alice}'");
        Assert.Equal(rights.Delete ? 1 : null, deleted);
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public async Task UpdateAndDelete_ByServiceRole_ReachEveryUser(string table)
    {
        Assert.Equal(2, await Database.TryExecuteAsync(RlsClaims.Service, $"UPDATE public.{table} SET {OwnerRights[table].UpdateSet}"));
        Assert.Equal(2, await Database.TryExecuteAsync(RlsClaims.Service, $"DELETE FROM public.{table}"));
    }

    [Fact]
    public async Task Insert_SessionForAnotherUser_IsRefused_ForUserAndAdmin()
    {
        var admin = await Database.CreateUserAsync();
        foreach (var caller in new[] { RlsClaims.ForUser(_bob), RlsClaims.ForAdmin(admin) })
        {
            await using var db = Database.ContextFor(caller);
            db.Sessions.Add(Session.Create(_alice, "planted", null, Clock.GetUtcNow()));
            await Assert.ThrowsAsync<RlsViolationException>(() => db.SaveChangesAsync());
        }

        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.sessions WHERE user_id = @a", ("a", _alice)));
    }

    [Fact]
    public async Task Insert_ByAnon_IsRefused()
    {
        var sql = $"INSERT INTO public.sessions (id, user_id, title, status, last_revision_number) VALUES (gen_random_uuid(), '{_alice}', 'anon', 'active', 0)";

        var ex = await Assert.ThrowsAsync<RlsViolationException>(() => Database.ExecuteAsync(RlsClaims.Anonymous, sql));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
    }

    [Theory]
    [InlineData("session_revisions", "revision_number, ir", "2, jsonb_build_object()")]
    [InlineData("session_drafts", "revision_number, code, language, is_valid", "1, 'x', 'python', true")]
    [InlineData("hole_resolutions", "hole_id, resolution_value, confidence", "'?planted', '1'::jsonb, 0.5")]
    public async Task Insert_ChildUnderAnotherUsersSession_IsRefused(string table, string columns, string values)
    {
        // As bob's own row: the composite foreign key (session_id, user_id) finds no session of bob's with that id.
        var asBob = $"INSERT INTO public.{table} (id, session_id, user_id, {columns}) VALUES (gen_random_uuid(), '{_aliceSession.Id}', '{_bob}', {values})";
        var fk = await Assert.ThrowsAsync<ReferenceViolationException>(() => Database.ExecuteAsync(RlsClaims.ForUser(_bob), asBob));
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, fk.SqlState);

        // As alice's row: RLS refuses a row bob does not own.
        var asAlice = asBob.Replace($"'{_bob}'", $"'{_alice}'", StringComparison.Ordinal);
        var rls = await Assert.ThrowsAsync<RlsViolationException>(() => Database.ExecuteAsync(RlsClaims.ForUser(_bob), asAlice));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, rls.SqlState);

        await AssertAliceUntouchedAsync();
    }

    [Fact]
    public async Task AnotherUsersSession_CannotEvenBeLoaded_SoTheModelHasNothingToAttachTo()
    {
        await using var db = Database.ContextFor(RlsClaims.ForUser(_bob));
        Assert.Null(await db.Sessions.SingleOrDefaultAsync(s => s.Id == _aliceSession.Id));
    }

    [Fact]
    public async Task Sessions_CountersAndOwnerAreNotWritableByUsers()
    {
        foreach (var column in new[] { "revision_count = 99", "draft_count = 99", "hole_count = 99", $"user_id = '{_bob}'" })
        {
            var ex = await Assert.ThrowsAsync<RlsViolationException>(
                () => Database.ExecuteAsync(RlsClaims.ForUser(_alice), $"UPDATE public.sessions SET {column} WHERE id = '{_aliceSession.Id}'"));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
        }

        Assert.Equal(1, await Database.ScalarAsync<int>("SELECT revision_count FROM public.sessions WHERE id = @id", ("id", _aliceSession.Id)));
    }

    [Fact]
    public async Task DeletingASession_RemovesItsHistoryToo()
    {
        Assert.Equal(1, await Database.TryExecuteAsync(RlsClaims.ForUser(_alice), $"DELETE FROM public.sessions WHERE id = '{_aliceSession.Id}'"));

        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.session_revisions WHERE user_id = @a", ("a", _alice)));
        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.session_revisions WHERE user_id = @b", ("b", _bob)));
    }

    [Fact]
    public async Task AnonWithEverythingGranted_AsOlderSupabaseProjectsDo_StillReachesNothing()
    {
        // What the migrations granted anon, to put back exactly afterwards (other tests check the privileges).
        var granted = await Database.ScalarAsync<string>(
            """
            SELECT string_agg(format('GRANT %s ON %I.%I TO anon;', privilege_type, table_schema, table_name), ' ')
              FROM information_schema.role_table_grants WHERE grantee = 'anon' AND table_schema = 'public'
            """);
        await TestServer.ExecuteAsync(Database.AdminConnectionString, "GRANT ALL ON ALL TABLES IN SCHEMA public TO anon");
        try
        {
            foreach (var table in TableNames)
            {
                Assert.Empty(await Database.UserIdsVisibleAsync(RlsClaims.Anonymous, table));
                Assert.Equal(0, await Database.TryExecuteAsync(RlsClaims.Anonymous, $"UPDATE public.{table} SET {OwnerRights[table].UpdateSet}"));
                Assert.Equal(0, await Database.TryExecuteAsync(RlsClaims.Anonymous, $"DELETE FROM public.{table}"));
            }

            var insert = $"INSERT INTO public.sessions (id, user_id, title, status, last_revision_number) VALUES (gen_random_uuid(), '{_alice}', 'anon', 'active', 0)";
            var ex = await Assert.ThrowsAsync<RlsViolationException>(() => Database.ExecuteAsync(RlsClaims.Anonymous, insert));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
        }
        finally
        {
            await TestServer.ExecuteAsync(Database.AdminConnectionString, $"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM anon; {granted}");
        }

        await AssertAliceUntouchedAsync();
    }

    [Fact]
    public async Task EveryPublicTableHasRls_AndEveryViewIsSecurityInvoker()
    {
        var withoutRls = await Database.ScalarAsync<long>(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r' AND NOT c.relrowsecurity");
        var plainViews = await Database.ScalarAsync<long>(
            """
            SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind = 'v' AND NOT coalesce('security_invoker=true' = ANY(c.reloptions), false)
            """);

        Assert.Equal(0L, withoutRls);
        Assert.Equal(0L, plainViews);
    }

    private async Task AssertAliceUntouchedAsync()
    {
        Assert.Equal("alice", await Database.ScalarAsync<string>("SELECT title FROM public.sessions WHERE user_id = @a", ("a", _alice)));
        foreach (var table in new[] { "session_revisions", "session_drafts", "hole_resolutions" })
        {
            Assert.Equal(1L, await Database.ScalarAsync<long>($"SELECT count(*) FROM public.{table} WHERE user_id = @a", ("a", _alice)));
        }

        Assert.Equal(0.75, await Database.ScalarAsync<double>("SELECT confidence FROM public.hole_resolutions WHERE user_id = @a", ("a", _alice)));
        Assert.True(await Database.ScalarAsync<bool>("SELECT is_valid FROM public.session_drafts WHERE user_id = @a", ("a", _alice)));
    }


    private static List<Guid> Sorted(params Guid[] ids) => [.. ids.Order()];
}
