using Domain.Persistence;

namespace Domain.IntegrationTests.Security;

/// <summary>
/// The rules of Supabase's database advisor that concern a schema like ours, written here from what each rule means
/// (the advisor itself is not part of this repository). Each rule is a query over the catalogs that returns one line
/// per offending object; an empty result means the schema keeps the rule. Where the advisor stops short of a rule's
/// meaning, these go further: policies count for every role they apply to (membership included), and every call of
/// an auth function in a policy must be inside a sub-select, not just one of them.
/// </summary>
public static class AdvisorRules
{
    /// <summary>The schemas this project creates objects in.</summary>
    private const string OurSchemas = $"('{DatabaseSchemas.Public}', '{DatabaseSchemas.Private}', '{DatabaseSchemas.Operations}')";

    /// <summary>The roles that act for API callers; they never bypass RLS.</summary>
    private const string CallerRoles = "('anon', 'authenticated', 'domain_admin')";

    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string>
    {
        // Supabase exposes public over its API: a table there without RLS is readable by anyone the grants allow.
        ["rls_disabled_in_public"] = $"""
            SELECT n.nspname || '.' || c.relname
              FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = '{DatabaseSchemas.Public}' AND c.relkind IN ('r', 'p') AND NOT c.relrowsecurity
            """,

        // RLS with no policy denies everything to everyone but the owner: almost always a forgotten policy.
        ["rls_enabled_no_policy"] = $"""
            SELECT n.nspname || '.' || c.relname
              FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname IN {OurSchemas} AND c.relkind IN ('r', 'p') AND c.relrowsecurity
               AND NOT EXISTS (SELECT FROM pg_catalog.pg_policy p WHERE p.polrelid = c.oid)
            """,

        // Permissive policies are OR-ed: two for one role and command make the planner evaluate both for every row and
        // keep it from using the owner index. A policy applies to a role when it names PUBLIC, the role, or a role whose
        // privileges the role has (membership with inheritance).
        ["multiple_permissive_policies"] = $$"""
            WITH commands(polcmd, command) AS (
                VALUES ('r', 'SELECT'), ('a', 'INSERT'), ('w', 'UPDATE'), ('d', 'DELETE'),
                       ('*', 'SELECT'), ('*', 'INSERT'), ('*', 'UPDATE'), ('*', 'DELETE'))
            SELECT n.nspname || '.' || c.relname || ' ' || r.rolname || ' ' || k.command || ': '
                   || string_agg(p.polname, ', ' ORDER BY p.polname)
              FROM pg_catalog.pg_policy p
              JOIN pg_catalog.pg_class c ON c.oid = p.polrelid
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
              JOIN commands k ON k.polcmd = p.polcmd
              JOIN pg_catalog.pg_roles r ON NOT r.rolbypassrls AND r.rolname NOT LIKE 'pg\_%'
                   AND (p.polroles = '{0}' OR EXISTS (SELECT FROM unnest(p.polroles) AS target(oid)
                                                       WHERE target.oid <> 0 AND pg_catalog.pg_has_role(r.oid, target.oid, 'USAGE')))
             WHERE p.polpermissive AND n.nspname IN {{OurSchemas}} AND r.rolname IN {{CallerRoles}}
             GROUP BY n.nspname, c.relname, r.rolname, k.command
            HAVING count(*) > 1
            """,

        // auth.uid() and friends are STABLE, not constant: called bare in a policy they run for every row; inside a
        // sub-select they run once per statement (an init plan) and the comparison can use an index.
        ["auth_rls_initplan"] = """
            SELECT schemaname || '.' || tablename || '.' || policyname || ' ' || expression
              FROM pg_catalog.pg_policies,
                   LATERAL (VALUES (coalesce(qual, '')), (coalesce(with_check, ''))) AS expressions(expression),
                   LATERAL (VALUES ('auth\.uid\(\)'), ('auth\.jwt\(\)'), ('auth\.role\(\)'), ('auth\.email\(\)'),
                                   ('current_setting\([^)]*\)')) AS calls(pattern)
             WHERE pg_catalog.regexp_count(expression, calls.pattern, 1, 'i')
                   <> pg_catalog.regexp_count(expression, 'SELECT ' || calls.pattern, 1, 'i')
            """,

        // A function without a fixed search_path resolves names through whatever search_path its caller set. The
        // functions the compatibility shim makes in auth on plain PostgreSQL are left out, as the advisor leaves out
        // Supabase's own in auth: they are SQL functions written as Supabase's are, and a SET clause would stop
        // PostgreSQL inlining them, which costs every statement under RLS a planned function call (docs/benchmarks.md).
        ["function_search_path_mutable"] = $$"""
            SELECT n.nspname || '.' || p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')'
              FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname IN {{OurSchemas}}
               AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
               AND NOT EXISTS (SELECT FROM unnest(coalesce(p.proconfig, '{}')) AS setting WHERE setting LIKE 'search\_path=%')
            """,

        // A SECURITY DEFINER function runs with its owner's rights, past RLS; one a caller role may execute is an open
        // door. The advisor looks at the exposed schema only; no function of ours anywhere may be one.
        ["security_definer_function_executable"] = $"""
            SELECT n.nspname || '.' || p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ') by ' || r.rolname
              FROM pg_catalog.pg_proc p
              JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
              JOIN pg_catalog.pg_roles r ON r.rolname IN {CallerRoles}
             WHERE p.prosecdef AND n.nspname IN {OurSchemas} AND pg_catalog.has_function_privilege(r.oid, p.oid, 'EXECUTE')
            """,

        // A view runs with its owner's rights unless it is security_invoker: a plain view over an RLS table bypasses RLS.
        ["security_definer_view"] = $"""
            SELECT n.nspname || '.' || c.relname
              FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname IN {OurSchemas} AND c.relkind = 'v'
               AND NOT coalesce('security_invoker=true' = ANY (c.reloptions) OR 'security_invoker=on' = ANY (c.reloptions), false)
            """,

        // A foreign key without an index on its columns makes every delete or key update of the referenced row scan the
        // referencing table. Covered: some index's leading columns are exactly the key's columns, in any order.
        ["unindexed_foreign_keys"] = $"""
            SELECT n.nspname || '.' || c.relname || ' ' || k.conname
              FROM pg_catalog.pg_constraint k
              JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE k.contype = 'f' AND n.nspname IN {OurSchemas}
               AND NOT EXISTS (
                   SELECT FROM pg_catalog.pg_index i
                    WHERE i.indrelid = k.conrelid
                      AND (SELECT array_agg(a ORDER BY a)
                             FROM unnest((i.indkey::int2[])[array_lower(i.indkey::int2[], 1):array_lower(i.indkey::int2[], 1) + cardinality(k.conkey) - 1]) AS a)
                          = (SELECT array_agg(a ORDER BY a) FROM unnest(k.conkey) AS a))
            """,
    };
}
