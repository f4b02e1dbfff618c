using System.Text;
using Npgsql;

namespace Domain.IntegrationTests.Migrations;

/// <summary>A deterministic text of everything a migration can create, read from the catalogs.</summary>
public static class SchemaFingerprint
{
    private const string Schemas = "n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg_temp%' AND n.nspname NOT LIKE 'pg_toast_temp%'";

    private static readonly string[] Queries =
    [
        $"SELECT 'schema ' || n.nspname FROM pg_namespace n WHERE {Schemas}",
        $"""
        SELECT 'column ' || n.nspname || '.' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
               || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
          FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
          LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE {Schemas} AND c.relkind IN ('r', 'v', 'p') AND a.attnum > 0 AND NOT a.attisdropped
        """,
        $"SELECT 'rls ' || n.nspname || '.' || c.relname || ' ' || c.relrowsecurity FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {Schemas} AND c.relkind = 'r'",
        $"SELECT 'constraint ' || n.nspname || '.' || c.conname || ' ' || pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE {Schemas}",
        $"SELECT 'index ' || schemaname || ' ' || indexdef FROM pg_indexes n WHERE {Schemas.Replace("n.nspname", "n.schemaname", StringComparison.Ordinal)}",
        $"SELECT 'trigger ' || pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {Schemas} AND NOT t.tgisinternal",
        $"SELECT 'function ' || n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') ' || md5(p.prosrc) || ' ' || p.prosecdef || ' ' || coalesce(array_to_string(p.proacl, ','), '') || ' ' || coalesce(array_to_string(p.proconfig, ','), '') FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE {Schemas}",
        $"SELECT 'view ' || n.nspname || '.' || c.relname || ' ' || coalesce(array_to_string(c.reloptions, ','), '') || ' ' || md5(pg_get_viewdef(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {Schemas} AND c.relkind = 'v'",
        "SELECT 'policy ' || schemaname || '.' || tablename || '.' || policyname || ' ' || cmd || ' ' || array_to_string(roles, ',') || ' ' || coalesce(qual, '') || ' ' || coalesce(with_check, '') FROM pg_policies",
        $"SELECT 'enum ' || n.nspname || '.' || t.typname || ' ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace WHERE {Schemas} GROUP BY n.nspname, t.typname",
        $"SELECT 'acl ' || n.nspname || '.' || c.relname || ' ' || coalesce((SELECT string_agg(a::text, ',' ORDER BY a::text) FROM unnest(c.relacl) a), '') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {Schemas} AND c.relkind IN ('r', 'v')",
        "SELECT 'column acl ' || table_schema || '.' || table_name || '.' || column_name || ' ' || grantee || ' ' || privilege_type FROM information_schema.column_privileges WHERE grantee IN ('anon', 'authenticated', 'domain_admin', 'service_role')",
        "SELECT 'publication ' || pubname || ' ' || schemaname || '.' || tablename FROM pg_publication_tables",
        "SELECT 'publication ' || pubname FROM pg_publication",
    ];

    public static async Task<string> ReadAsync(string connectionString)
    {
        var lines = new List<string>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var query in Queries)
        {
            await using var command = new NpgsqlCommand(query, connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                lines.Add(reader.IsDBNull(0) ? "<null>" : reader.GetString(0));
            }
        }

        lines.Sort(StringComparer.Ordinal);
        return new StringBuilder().AppendJoin('\n', lines).ToString();
    }
}
