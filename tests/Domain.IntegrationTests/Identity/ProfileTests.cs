using Domain.Application;
using Domain.Application.Common;
using Domain.Application.Identity;
using Domain.Identity;
using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence.Errors;
using Domain.Persistence.Rls;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Domain.IntegrationTests.Identity;

/// <summary>
/// Profiles on plain PostgreSQL through the compatibility shim: made by the database for every auth user, removed with
/// it, read and edited by their owner through <see cref="ProfileStore"/>, listed by admins; the role and the limits are
/// the backend's, and no statement a user or an admin may send changes them.
/// </summary>
public sealed class ProfileTests : DatabaseTest
{
    private readonly ServiceProvider _services;
    private readonly ProfileStore _profiles;

    public ProfileTests(MigratedDatabase database)
        : base(database)
    {
        _services = new ServiceCollection().AddSingleton(database.Contexts).AddDomainApplication().BuildServiceProvider();
        _profiles = _services.GetRequiredService<ProfileStore>();
    }

    public override async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task AnAuthUser_GetsAProfile_NamedFromTheSignUpMetadata_AndLosesItWithTheUser()
    {
        var ada = Guid.CreateVersion7();
        var nobody = Guid.CreateVersion7();
        await Database.ScalarAsync<int>(
            $$"""
            INSERT INTO auth.users (id, email, raw_user_meta_data) VALUES
                ('{{ada}}', 'ada@example.test', '{"full_name": "  Ada Lovelace  ", "name": "ada"}'),
                ('{{nobody}}', 'nobody@example.test', '["not", "an", "object"]');
            SELECT 1
            """);

        var profile = await _profiles.GetOwnAsync(Caller.User(ada));
        Assert.Equal(("ada@example.test", "Ada Lovelace", UserRole.User, "{}"), (profile.Email, profile.DisplayName, profile.Role, profile.Preferences));
        Assert.Equal((null, null), (profile.MonthlyTokenLimit, profile.MonthlyCostLimitUsd));
        Assert.Null((await _profiles.GetOwnAsync(Caller.User(nobody))).DisplayName);

        await Database.ScalarAsync<int>($"UPDATE auth.users SET email = 'lovelace@example.test' WHERE id = '{ada}'; SELECT 1");
        Assert.Equal("lovelace@example.test", (await _profiles.GetOwnAsync(Caller.User(ada))).Email);

        await Database.ScalarAsync<int>($"DELETE FROM auth.users WHERE id = '{ada}'; SELECT 1");
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.user_profiles WHERE user_id = @id", ("id", ada)));
        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.user_profiles"));
    }

    [Fact]
    public async Task AnOwner_EditsTheirProfile_OthersSeeNothing_AdminsReadEveryProfile_AndChangeOnlyTheirOwn()
    {
        var (alice, bob, admin) = (await Database.CreateUserAsync("alice@example.test"), await Database.CreateUserAsync("bob@example.test"),
            await Database.CreateUserAsync("admin@example.test"));

        var edited = await _profiles.UpdateOwnAsync(
            Caller.User(alice), new UpdateProfileRequest("Alice", "https://example.test/a.png", """{"theme":"dark"}"""));
        Assert.Equal(("Alice", "https://example.test/a.png"), (edited.DisplayName, edited.AvatarUrl));
        Assert.True(StoredRows.SameJson("""{"theme":"dark"}""", edited.Preferences));

        await Assert.ThrowsAsync<NotFoundException>(() => _profiles.GetAsync(Caller.User(bob), alice));
        Assert.Equal([bob], (await _profiles.ListAsync(Caller.User(bob), new ListProfilesRequest())).Select(p => p.UserId));
        Assert.Empty(await _profiles.ListAsync(Caller.Anonymous, new ListProfilesRequest()));

        var everyone = await _profiles.ListAsync(Caller.Admin(admin), new ListProfilesRequest(PageSize: 2));
        var rest = await _profiles.ListAsync(Caller.Admin(admin), ListProfilesRequest.NextPage(everyone[^1], 2));
        Assert.Equal(new[] { alice, bob, admin }.Order(), everyone.Concat(rest).Select(p => p.UserId).Order());
        Assert.Equal("Alice", (await _profiles.GetAsync(Caller.Admin(admin), alice)).DisplayName);

        // The admin's update policy is the owner's: another user's row is out of reach, the statement changes nothing.
        Assert.Equal(0, await Database.TryExecuteAsync(RlsClaims.ForAdmin(admin), $"UPDATE public.user_profiles SET display_name = 'taken' WHERE user_id = '{alice}'"));
        Assert.Equal("Admin", (await _profiles.UpdateOwnAsync(Caller.Admin(admin), new UpdateProfileRequest("Admin", null, null))).DisplayName);
        Assert.Equal("Alice", (await _profiles.GetAsync(Caller.Service, alice)).DisplayName);
    }

    [Theory]
    [InlineData("user")]
    [InlineData("admin")]
    public async Task NoStatementAUserOrAdminMaySend_RaisesTheirRoleOrLimits(string who)
    {
        var me = await Database.CreateUserAsync("me@example.test");
        var caller = who == "admin" ? RlsClaims.ForAdmin(me) : RlsClaims.ForUser(me);
        await _profiles.SetMonthlyLimitsAsync(Caller.Service, me, new SetMonthlyLimitsRequest(1_000, 1.5m));
        var before = await StoredProfileAsync(me);

        string[] attempts =
        [
            $"UPDATE public.user_profiles SET role = 'admin' WHERE user_id = '{me}'",
            $"UPDATE public.user_profiles SET monthly_token_limit = NULL WHERE user_id = '{me}'",
            $"UPDATE public.user_profiles SET monthly_cost_limit_usd = 100000 WHERE user_id = '{me}'",
            $"UPDATE public.user_profiles SET display_name = 'x', role = 'admin' WHERE user_id = '{me}'",
            $"UPDATE public.user_profiles SET user_id = gen_random_uuid() WHERE user_id = '{me}'",
            $"DELETE FROM public.user_profiles WHERE user_id = '{me}'",
            $"INSERT INTO public.user_profiles (user_id, role) VALUES ('{me}', 'admin') ON CONFLICT (user_id) DO UPDATE SET role = 'admin'",
            $"INSERT INTO public.user_profiles (user_id, role, monthly_token_limit) VALUES (gen_random_uuid(), 'admin', NULL)",
            $"UPDATE auth.users SET raw_app_meta_data = '{{\"role\": \"admin\"}}' WHERE id = '{me}'",
            $"SELECT domain_private.custom_access_token_hook('{{\"user_id\": \"{me}\", \"claims\": {{\"role\": \"authenticated\"}}}}')",
            "SELECT domain_private.create_user_profile()",
            "SELECT domain_private.sync_user_profile_email()",
        ];

        // What a user may send is what the API lets through: statements on tables and functions, as PostgREST does.
        // Switching roles (SET ROLE, set_config('role', …)) is the login role's, checked against its memberships, not
        // the user's: the layer and PostgREST never pass it through, and raw SQL on an application connection is
        // trusted code (README, Security).

        foreach (var sql in attempts)
        {
            var refused = await Record.ExceptionAsync(() => Database.ExecuteAsync(caller, sql));
            Assert.True(refused is not null && IsRefusal(refused), $"'{sql}' as {who} was not refused: {refused?.ToString() ?? "it ran"}");
        }

        // Claims a caller could forge in its own transaction name no role: policies read only auth.uid(), and the
        // role stays the one the layer switched to.
        await using (var db = Database.ContextFor(caller))
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            await using var forge = new NpgsqlCommand(
                "SELECT set_config('request.jwt.claims', '{\"sub\":\"" + me + "\",\"role\":\"service_role\",\"app_metadata\":{\"role\":\"admin\"}}', true)",
                connection, (NpgsqlTransaction)transaction.GetDbTransaction());
            await forge.ExecuteNonQueryAsync();
            await using var raise = new NpgsqlCommand(
                $"UPDATE public.user_profiles SET role = 'admin' WHERE user_id = '{me}'", connection, (NpgsqlTransaction)transaction.GetDbTransaction());
            var ex = await Assert.ThrowsAsync<PostgresException>(() => raise.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
        }

        await Assert.ThrowsAsync<RlsViolationException>(
            () => _profiles.SetRoleAsync(who == "admin" ? Caller.Admin(me) : Caller.User(me), me, new SetRoleRequest(UserRole.Admin)));
        await Assert.ThrowsAsync<RlsViolationException>(
            () => _profiles.SetMonthlyLimitsAsync(who == "admin" ? Caller.Admin(me) : Caller.User(me), me, new SetMonthlyLimitsRequest(null, null)));

        Assert.Equal(before, await StoredProfileAsync(me));
        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.user_profiles"));
    }

    [Fact]
    public async Task TheBackend_SetsRolesAndLimits()
    {
        var user = await Database.CreateUserAsync();

        var admin = await _profiles.SetRoleAsync(Caller.Service, user, new SetRoleRequest(UserRole.Admin));
        var limited = await _profiles.SetMonthlyLimitsAsync(Caller.Service, user, new SetMonthlyLimitsRequest(50_000, 2.5m));

        Assert.Equal(UserRole.Admin, admin.Role);
        Assert.Equal((50_000L, 2.5m), (limited.MonthlyTokenLimit!.Value, limited.MonthlyCostLimitUsd!.Value));
        Assert.Equal("admin", await Database.ScalarAsync<string>("SELECT role::text FROM public.user_profiles WHERE user_id = @id", ("id", user)));
    }

    [Fact]
    public async Task BadInput_IsRefused_AndNothingIsWritten()
    {
        var user = await Database.CreateUserAsync();
        var before = await StoredProfileAsync(user);
        var entries = await Database.ScalarAsync<long>("SELECT count(*) FROM public.audit_logs");

        UpdateProfileRequest[] bad =
        [
            new("x\0y", null, null),
            new(new string('n', IdentityLimits.DisplayNameMaxLength + 1), null, null),
            new(null, "javascript:alert(1)", null),
            new(null, "https://example.test/with space", null),
            new(null, null, "[1, 2]"),
            new(null, null, """{"a": 1, "a": 2}"""),
            new(null, null, """{"nul": "\u0000"}"""),
        ];
        foreach (var request in bad)
        {
            await Assert.ThrowsAsync<ValidationException>(() => _profiles.UpdateOwnAsync(Caller.User(user), request));
        }

        await Assert.ThrowsAsync<ValidationException>(() => _profiles.SetMonthlyLimitsAsync(Caller.Service, user, new SetMonthlyLimitsRequest(-1, null)));
        await Assert.ThrowsAsync<ValidationException>(() => _profiles.SetMonthlyLimitsAsync(Caller.Service, user, new SetMonthlyLimitsRequest(null, 0.0000001m)));
        await Assert.ThrowsAsync<ValidationException>(() => _profiles.SetRoleAsync(Caller.Service, user, new SetRoleRequest((UserRole)7)));

        // The database's own checks hold for writers that skip the model.
        foreach (var sql in new[]
        {
            $"UPDATE public.user_profiles SET avatar_url = 'ftp://example.test/a' WHERE user_id = '{user}'",
            $"UPDATE public.user_profiles SET preferences = '[]' WHERE user_id = '{user}'",
            $"UPDATE public.user_profiles SET display_name = '' WHERE user_id = '{user}'",
            $"UPDATE public.user_profiles SET monthly_token_limit = -5 WHERE user_id = '{user}'",
        })
        {
            await Assert.ThrowsAsync<ConstraintViolationException>(() => Database.ExecuteAsync(RlsClaims.Service, sql));
        }

        Assert.Equal(before, await StoredProfileAsync(user));
        Assert.Equal(entries, await Database.ScalarAsync<long>("SELECT count(*) FROM public.audit_logs"));
    }

    private static bool IsRefusal(Exception ex)
        => ex is RlsViolationException
            || (ex is PostgresException pg && pg.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.FeatureNotSupported)
            || (ex.InnerException is PostgresException inner && inner.SqlState == PostgresErrorCodes.InsufficientPrivilege);

    private Task<string?> StoredProfileAsync(Guid user)
        => Database.ScalarAsync<string>(
            "SELECT (to_jsonb(p) || jsonb_build_object('xmin', p.xmin::text))::text FROM public.user_profiles p WHERE user_id = @id", ("id", user));
}
