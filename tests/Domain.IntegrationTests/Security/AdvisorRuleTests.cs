using Domain.IntegrationTests.Infrastructure;
using Npgsql;

namespace Domain.IntegrationTests.Security;

/// <summary>
/// Supabase's advisor rules (<see cref="AdvisorRules"/>) on the migrated schema: it keeps every one. Each rule is also
/// shown to catch what it is about, on probe objects created in a transaction that is rolled back, so a rule whose
/// query could never find anything would fail here.
/// </summary>
public sealed class AdvisorRuleTests(MigratedDatabase database) : DatabaseTest(database)
{
    public static TheoryData<string> Rules => new(AdvisorRules.All.Keys);

    /// <summary>For each rule, objects that break it; every name starts with <c>advisor_probe</c>.</summary>
    private static readonly Dictionary<string, string> Violations = new()
    {
        ["rls_disabled_in_public"] = "CREATE TABLE public.advisor_probe (id int PRIMARY KEY);",
        ["rls_enabled_no_policy"] = "CREATE TABLE public.advisor_probe (id int PRIMARY KEY); ALTER TABLE public.advisor_probe ENABLE ROW LEVEL SECURITY;",
        ["multiple_permissive_policies"] = """
            CREATE TABLE public.advisor_probe (id int PRIMARY KEY, user_id uuid);
            ALTER TABLE public.advisor_probe ENABLE ROW LEVEL SECURITY;
            CREATE POLICY advisor_probe_own ON public.advisor_probe FOR SELECT TO authenticated USING ((select auth.uid()) = user_id);
            CREATE POLICY advisor_probe_all ON public.advisor_probe FOR ALL TO PUBLIC USING (false);
            """,
        ["auth_rls_initplan"] = """
            CREATE TABLE public.advisor_probe (id int PRIMARY KEY, user_id uuid);
            ALTER TABLE public.advisor_probe ENABLE ROW LEVEL SECURITY;
            CREATE POLICY advisor_probe_half ON public.advisor_probe FOR SELECT TO authenticated
                USING ((select auth.uid()) = user_id OR auth.uid() IS NULL);
            """,
        ["function_search_path_mutable"] = "CREATE FUNCTION domain_private.advisor_probe() RETURNS int LANGUAGE sql AS 'SELECT 1';",
        ["security_definer_function_executable"] = """
            CREATE FUNCTION public.advisor_probe() RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = '' AS 'SELECT 1';
            """,
        ["security_definer_view"] = "CREATE VIEW public.advisor_probe AS SELECT 1 AS one;",
        ["unindexed_foreign_keys"] = """
            CREATE TABLE domain_ops.advisor_probe_parent (id int PRIMARY KEY);
            CREATE TABLE domain_ops.advisor_probe (id int PRIMARY KEY, parent_id int REFERENCES domain_ops.advisor_probe_parent (id));
            """,
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public async Task TheMigratedSchema_KeepsTheRule(string rule)
    {
        await using var connection = new NpgsqlConnection(Database.AdminConnectionString);
        await connection.OpenAsync();

        Assert.Empty(await OffendersAsync(connection, null, rule));
    }

    [Theory]
    [MemberData(nameof(Rules))]
    public async Task TheRule_FindsWhatItIsAbout(string rule)
    {
        await using var connection = new NpgsqlConnection(Database.AdminConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var probe = new NpgsqlCommand(Violations[rule], connection, transaction))
        {
            await probe.ExecuteNonQueryAsync();
        }

        var offenders = await OffendersAsync(connection, transaction, rule);

        await transaction.RollbackAsync();
        Assert.NotEmpty(offenders);
        Assert.All(offenders, offender => Assert.Contains("advisor_probe", offender, StringComparison.Ordinal));
    }

    [Fact]
    public void EveryRule_HasAProbe()
    {
        Assert.Equal(AdvisorRules.All.Keys.Order(), Violations.Keys.Order());
    }

    private static async Task<List<string>> OffendersAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string rule)
    {
        await using var command = new NpgsqlCommand(AdvisorRules.All[rule], connection, transaction);
        await using var reader = await command.ExecuteReaderAsync();
        var offenders = new List<string>();
        while (await reader.ReadAsync())
        {
            offenders.Add(reader.GetString(0));
        }

        return offenders;
    }
}
