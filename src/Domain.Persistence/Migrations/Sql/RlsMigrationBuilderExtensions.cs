using Microsoft.EntityFrameworkCore.Migrations;

namespace Domain.Persistence.Migrations.Sql;

/// <summary>Commands a table's owner may run on their own rows.</summary>
[Flags]
public enum OwnerCommands
{
    None = 0,
    Select = 1,
    Insert = 2,
    Update = 4,
    Delete = 8,
    All = Select | Insert | Update | Delete,
}

/// <summary>
/// Row-level security and grants for a table whose rows belong to <c>user_id</c>. Policies are explicit per
/// command and <c>TO authenticated</c>, written <c>(select auth.uid()) = user_id</c> so the planner evaluates
/// the caller once and uses the index. Admins (server-controlled <c>app_metadata.role = 'admin'</c>) read every
/// row and write only their own. <c>anon</c> may select, but no policy admits it, so it reads no row;
/// <c>service_role</c> bypasses RLS. Grants are explicit, revoking whatever a project granted by default.
/// </summary>
public static class RlsMigrationBuilderExtensions
{
    private const string IsOwner = "(SELECT auth.uid()) = user_id";
    private const string IsAdmin = "((SELECT auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin'";

    /// <param name="migrationBuilder">The migration.</param>
    /// <param name="table">A table in <c>public</c> with a <c>user_id uuid not null</c> column.</param>
    /// <param name="commands">What owners may do; a command left out has neither policy nor grant.</param>
    /// <param name="insertColumns">Columns authenticated callers may insert; null for all.</param>
    /// <param name="updateColumns">Columns authenticated callers may update; null for all.</param>
    public static void EnableOwnerRls(
        this MigrationBuilder migrationBuilder,
        string table,
        OwnerCommands commands,
        IReadOnlyList<string>? insertColumns = null,
        IReadOnlyList<string>? updateColumns = null)
    {
        var qualified = $"{DatabaseSchemas.Public}.{table}";
        var sql = new List<string>
        {
            $"ALTER TABLE {qualified} ENABLE ROW LEVEL SECURITY;",
            $"REVOKE ALL ON TABLE {qualified} FROM PUBLIC, anon, authenticated, service_role;",
            $"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE {qualified} TO service_role;",
            $"GRANT SELECT ON TABLE {qualified} TO anon;",
        };

        if (commands.HasFlag(OwnerCommands.Select))
        {
            sql.Add($"CREATE POLICY {table}_select_own ON {qualified} FOR SELECT TO authenticated USING ({IsOwner});");
            sql.Add($"CREATE POLICY {table}_select_admin ON {qualified} FOR SELECT TO authenticated USING ({IsAdmin});");
            sql.Add($"GRANT SELECT ON TABLE {qualified} TO authenticated;");
        }

        if (commands.HasFlag(OwnerCommands.Insert))
        {
            sql.Add($"CREATE POLICY {table}_insert_own ON {qualified} FOR INSERT TO authenticated WITH CHECK ({IsOwner});");
            sql.Add($"GRANT INSERT {Columns(insertColumns)}ON TABLE {qualified} TO authenticated;");
        }

        if (commands.HasFlag(OwnerCommands.Update))
        {
            sql.Add($"CREATE POLICY {table}_update_own ON {qualified} FOR UPDATE TO authenticated USING ({IsOwner}) WITH CHECK ({IsOwner});");
            sql.Add($"GRANT UPDATE {Columns(updateColumns)}ON TABLE {qualified} TO authenticated;");
        }

        if (commands.HasFlag(OwnerCommands.Delete))
        {
            sql.Add($"CREATE POLICY {table}_delete_own ON {qualified} FOR DELETE TO authenticated USING ({IsOwner});");
            sql.Add($"GRANT DELETE ON TABLE {qualified} TO authenticated;");
        }

        migrationBuilder.Sql(string.Join("\n", sql));
    }

    /// <summary>
    /// RLS for a ledger that only trusted backend code writes (usage, audit): owners and admins read their rows,
    /// <c>service_role</c> inserts and reads, nobody updates or deletes (the table owner aside), anon reads nothing.
    /// </summary>
    public static void EnableLedgerRls(this MigrationBuilder migrationBuilder, string table)
    {
        var qualified = $"{DatabaseSchemas.Public}.{table}";
        migrationBuilder.Sql($"""
            ALTER TABLE {qualified} ENABLE ROW LEVEL SECURITY;
            REVOKE ALL ON TABLE {qualified} FROM PUBLIC, anon, authenticated, service_role;
            GRANT SELECT, INSERT ON TABLE {qualified} TO service_role;
            GRANT SELECT ON TABLE {qualified} TO anon, authenticated;
            CREATE POLICY {table}_select_own ON {qualified} FOR SELECT TO authenticated USING ({IsOwner});
            CREATE POLICY {table}_select_admin ON {qualified} FOR SELECT TO authenticated USING ({IsAdmin});
            """);
    }

    /// <summary>Reverses <see cref="EnableOwnerRls"/>: drops the policies, revokes the grants, disables RLS.</summary>
    public static void DisableOwnerRls(this MigrationBuilder migrationBuilder, string table)
    {
        var qualified = $"{DatabaseSchemas.Public}.{table}";
        migrationBuilder.Sql($"""
            DROP POLICY IF EXISTS {table}_select_own ON {qualified};
            DROP POLICY IF EXISTS {table}_select_admin ON {qualified};
            DROP POLICY IF EXISTS {table}_insert_own ON {qualified};
            DROP POLICY IF EXISTS {table}_update_own ON {qualified};
            DROP POLICY IF EXISTS {table}_delete_own ON {qualified};
            REVOKE ALL ON TABLE {qualified} FROM anon, authenticated, service_role;
            ALTER TABLE {qualified} DISABLE ROW LEVEL SECURITY;
            """);
    }

    /// <summary>
    /// Creates a view that runs with the caller's rights (<c>security_invoker</c>), so the RLS of the tables it
    /// reads applies: a plain view runs as its owner and would bypass RLS.
    /// </summary>
    public static void CreateSecurityInvokerView(this MigrationBuilder migrationBuilder, string name, string query)
    {
        var qualified = $"{DatabaseSchemas.Public}.{name}";
        migrationBuilder.Sql($"""
            CREATE VIEW {qualified} WITH (security_invoker = true) AS
            {query};
            REVOKE ALL ON TABLE {qualified} FROM PUBLIC;
            GRANT SELECT ON TABLE {qualified} TO anon, authenticated, service_role;
            """);
    }

    /// <summary>
    /// As <see cref="CreateSecurityInvokerView"/>, readable by every API role including the admin role
    /// (<c>domain_admin</c>), which came after that helper (granted after the others, as the migration that introduced
    /// the role granted it on the views that existed then).
    /// </summary>
    public static void CreateSecurityInvokerViewForEveryRole(this MigrationBuilder migrationBuilder, string name, string query)
    {
        var qualified = $"{DatabaseSchemas.Public}.{name}";
        migrationBuilder.Sql($"""
            CREATE VIEW {qualified} WITH (security_invoker = true) AS
            {query};
            REVOKE ALL ON TABLE {qualified} FROM PUBLIC;
            GRANT SELECT ON TABLE {qualified} TO anon, authenticated, service_role;
            GRANT SELECT ON TABLE {qualified} TO {Rls.RlsClaims.AdminRole};
            """);
    }

    /// <summary>
    /// A <c>security_invoker</c> view for admins (<c>domain_admin</c>) and the backend (<c>service_role</c>) only: reports
    /// across users, such as how each prompt version performs. <c>anon</c> and <c>authenticated</c> get no grant, so
    /// reading it as either is refused rather than answered with a partial picture.
    /// </summary>
    public static void CreateSecurityInvokerViewForAdmins(this MigrationBuilder migrationBuilder, string name, string query)
    {
        var qualified = $"{DatabaseSchemas.Public}.{name}";
        migrationBuilder.Sql($"""
            CREATE VIEW {qualified} WITH (security_invoker = true) AS
            {query};
            REVOKE ALL ON TABLE {qualified} FROM PUBLIC, anon, authenticated;
            GRANT SELECT ON TABLE {qualified} TO {Rls.RlsClaims.AdminRole}, service_role;
            """);
    }

    public static void DropView(this MigrationBuilder migrationBuilder, string name)
    {
        migrationBuilder.Sql($"DROP VIEW IF EXISTS {DatabaseSchemas.Public}.{name};");
    }

    /// <summary>References <c>auth.users(id)</c>, so deleting a user deletes what they own.</summary>
    public static void AddUserForeignKey(this MigrationBuilder migrationBuilder, string table)
    {
        migrationBuilder.Sql($"""
            ALTER TABLE {DatabaseSchemas.Public}.{table}
                ADD CONSTRAINT fk_{table}_auth_users FOREIGN KEY (user_id) REFERENCES auth.users (id) ON DELETE CASCADE;
            """);
    }

    public static void DropUserForeignKey(this MigrationBuilder migrationBuilder, string table)
    {
        migrationBuilder.Sql($"ALTER TABLE {DatabaseSchemas.Public}.{table} DROP CONSTRAINT IF EXISTS fk_{table}_auth_users;");
    }

    /// <summary>Publishes the table's changes to Supabase Realtime.</summary>
    public static void AddToRealtime(this MigrationBuilder migrationBuilder, string table)
    {
        migrationBuilder.Sql($"ALTER PUBLICATION supabase_realtime ADD TABLE {DatabaseSchemas.Public}.{table};");
    }

    /// <summary>
    /// Publishes the table's changes to Supabase Realtime when the publication <c>supabase_realtime</c> exists and lists
    /// its tables (one created <c>FOR ALL TABLES</c> already publishes every table, and refuses <c>ADD TABLE</c>); a
    /// database without it is left as it is.
    /// </summary>
    public static void AddToRealtimeWhereItExists(this MigrationBuilder migrationBuilder, string table)
    {
        migrationBuilder.Sql($"""
            DO $rt$
            BEGIN
                IF EXISTS (SELECT FROM pg_catalog.pg_publication WHERE pubname = 'supabase_realtime' AND NOT puballtables)
                   AND NOT EXISTS (SELECT FROM pg_catalog.pg_publication_tables
                                   WHERE pubname = 'supabase_realtime' AND schemaname = '{DatabaseSchemas.Public}' AND tablename = '{table}') THEN
                    ALTER PUBLICATION supabase_realtime ADD TABLE {DatabaseSchemas.Public}.{table};
                END IF;
            END
            $rt$;
            """);
    }

    public static void DropFromRealtime(this MigrationBuilder migrationBuilder, string table)
    {
        migrationBuilder.Sql($"""
            DO $rt$
            BEGIN
                IF EXISTS (SELECT FROM pg_catalog.pg_publication_tables
                           WHERE pubname = 'supabase_realtime' AND schemaname = '{DatabaseSchemas.Public}' AND tablename = '{table}') THEN
                    ALTER PUBLICATION supabase_realtime DROP TABLE {DatabaseSchemas.Public}.{table};
                END IF;
            END
            $rt$;
            """);
    }

    private static string Columns(IReadOnlyList<string>? columns) => columns is null ? string.Empty : $"({string.Join(", ", columns)}) ";
}
