using Domain.Application;
using Domain.Application.Common;
using Domain.Application.Identity;
using Domain.Identity;
using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence.Rls;
using Microsoft.Extensions.DependencyInjection;

namespace Domain.IntegrationTests.Security;

/// <summary>
/// The policy matrix of the tables issue 15 adds: <c>user_profiles</c>, <c>api_keys</c> and <c>audit_logs</c> ×
/// select/insert/update/delete of alice's rows × alice (the owner), bob (another user), anon, an admin and the service
/// role. Each cell is the rows the statement reached, or "refused" (42501: no grant, or a policy's check). One raw
/// statement meets one policy.
/// </summary>
public sealed class IdentityRlsMatrixTests : DatabaseTest
{
    private const string Refused = "refused";
    private static readonly string[] Callers = ["owner", "other", "anon", "admin", "service"];

    private Guid _alice;
    private Guid _bob;
    private Guid _admin;

    public IdentityRlsMatrixTests(MigratedDatabase database)
        : base(database)
    {
    }

    /// <summary>Table, command, then the outcome for owner, other user, anon, admin and service role.</summary>
    public static TheoryData<string, string, string[]> Matrix => new()
    {
        { "user_profiles", "select", ["1", "0", "0", "1", "1"] },
        { "user_profiles", "insert", [Refused, Refused, Refused, Refused, "0"] },
        { "user_profiles", "update", ["1", "0", Refused, "0", "1"] },
        { "user_profiles", "delete", [Refused, Refused, Refused, Refused, "1"] },
        { "api_keys", "select", ["1", "0", "0", "1", "1"] },
        { "api_keys", "insert", ["1", Refused, Refused, Refused, "1"] },
        { "api_keys", "update", ["1", "0", Refused, "0", "1"] },
        { "api_keys", "delete", [Refused, Refused, Refused, Refused, "1"] },
        { "audit_logs", "select", ["3", "0", "0", "3", "3"] },
        { "audit_logs", "insert", [Refused, Refused, Refused, Refused, Refused] },
        { "audit_logs", "update", [Refused, Refused, Refused, Refused, Refused] },
        { "audit_logs", "delete", [Refused, Refused, Refused, Refused, Refused] },
    };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        (_alice, _bob, _admin) = (await Database.CreateUserAsync(), await Database.CreateUserAsync(), await Database.CreateUserAsync());
        await using var services = new ServiceCollection().AddSingleton(Database.Contexts).AddDomainApplication().BuildServiceProvider();
        await services.GetRequiredService<ProfileStore>().SetRoleAsync(Caller.Service, _admin, new SetRoleRequest(UserRole.Admin));
        var keys = services.GetRequiredService<ApiKeyStore>();
        foreach (var user in new[] { _alice, _bob, _admin })
        {
            await keys.CreateAsync(Caller.User(user), new CreateApiKeyRequest("key", ["sessions:read"]));
        }

        // alice's audit entries: her profile's creation, her key's, and her profile's update by the backend below.
        await services.GetRequiredService<ProfileStore>().SetMonthlyLimitsAsync(Caller.Service, _alice, new SetMonthlyLimitsRequest(10, null));
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task EachCaller_ReachesWhatTheMatrixSays(string table, string command, string[] expected)
    {
        var outcomes = new List<string>();
        foreach (var caller in Callers)
        {
            outcomes.Add(await OutcomeAsync(Claims(caller), table, command));
            await ResetAlicesRowsAsync();
        }

        Assert.Equal(
            Callers.Zip(expected, (caller, outcome) => $"{caller}: {outcome}"),
            Callers.Zip(outcomes, (caller, outcome) => $"{caller}: {outcome}"));
    }

    private RlsClaims Claims(string caller) => caller switch
    {
        "owner" => RlsClaims.ForUser(_alice),
        "other" => RlsClaims.ForUser(_bob),
        "anon" => RlsClaims.Anonymous,
        "admin" => RlsClaims.ForAdmin(_admin),
        _ => RlsClaims.Service,
    };

    private async Task<string> OutcomeAsync(RlsClaims caller, string table, string command)
    {
        var owner = table == "audit_logs" ? "owner_id" : "user_id";
        if (command == "select")
        {
            var counts = await Database.QueryAsync<long>(caller, $"SELECT count(*) AS \"Value\" FROM public.{table} WHERE {owner} = '{_alice}'");
            return counts[0].ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var hash = Convert.ToHexString(ApiKeySecret.Hash(ApiKeySecret.Generate()));
        var sql = (table, command) switch
        {
            ("user_profiles", "insert") => $"INSERT INTO public.user_profiles (user_id) VALUES ('{_alice}') ON CONFLICT (user_id) DO NOTHING",
            ("user_profiles", "update") => $"UPDATE public.user_profiles SET display_name = 'changed' WHERE user_id = '{_alice}'",
            ("api_keys", "insert") => "INSERT INTO public.api_keys (id, user_id, name, prefix, key_hash, scopes) "
                + $"VALUES (gen_random_uuid(), '{_alice}', 'planted', 'dk_abcdefgh', '\\x{hash}', '{{sessions:read}}')",
            ("api_keys", "update") => $"UPDATE public.api_keys SET name = 'changed' WHERE user_id = '{_alice}'",
            ("audit_logs", "insert") => "INSERT INTO public.audit_logs (table_name, operation, row_id, owner_id, actor_role, database_role, new_values) "
                + $"VALUES ('sessions', 'insert', gen_random_uuid(), '{_alice}', 'forged', 'forged', '{{}}')",
            ("audit_logs", "update") => $"UPDATE public.audit_logs SET actor_role = 'changed' WHERE owner_id = '{_alice}'",
            (_, "delete") => $"DELETE FROM public.{table} WHERE {owner} = '{_alice}'",
            _ => throw new ArgumentOutOfRangeException(nameof(command), $"{table} {command}"),
        };
        var affected = await Database.TryExecuteAsync(caller, sql);
        return affected?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Refused;
    }

    /// <summary>Puts back what a permitted write changed, so that every caller meets the same rows.</summary>
    private async Task ResetAlicesRowsAsync()
    {
        await Database.ScalarAsync<int>(
            $"""
            INSERT INTO public.user_profiles (user_id) VALUES ('{_alice}') ON CONFLICT (user_id) DO UPDATE SET display_name = NULL;
            DELETE FROM public.api_keys WHERE user_id = '{_alice}' AND name <> 'key';
            UPDATE public.api_keys SET name = 'key' WHERE user_id = '{_alice}';
            SELECT 1
            """);
        if (await Database.ScalarAsync<long>($"SELECT count(*) FROM public.api_keys WHERE user_id = '{_alice}'") == 0)
        {
            await using var services = new ServiceCollection().AddSingleton(Database.Contexts).AddDomainApplication().BuildServiceProvider();
            await services.GetRequiredService<ApiKeyStore>().CreateAsync(Caller.User(_alice), new CreateApiKeyRequest("key", ["sessions:read"]));
        }
    }
}
