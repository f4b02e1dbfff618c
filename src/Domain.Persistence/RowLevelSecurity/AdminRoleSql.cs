using Domain.Persistence.Rls;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Domain.Persistence.RowLevelSecurity;

/// <summary>
/// The admin role (<see cref="RlsClaims.AdminRole"/>) and what it needs besides the policies and privileges that
/// table declarations give it: existence, membership of the login role PostgREST uses, the views, and a
/// <c>domain_private.set_request_context</c> that accepts it.
/// </summary>
public static class AdminRoleSql
{
    /// <summary>The analytics views in <c>public</c>; each is <c>security_invoker</c>, so an admin reading one sees what the admin's policies allow.</summary>
    public static readonly IReadOnlyList<string> Views =
        ["session_summary", "user_analytics", "recent_activity", "draft_validation_stats", "conversation_summary", "user_usage_summary"];

    /// <summary>
    /// Creates the admin role when it is missing (NOLOGIN NOINHERIT: it can only be switched to), refuses one that
    /// would bypass RLS, and grants it to Supabase's <c>authenticator</c> where that role exists, so PostgREST can switch
    /// to it for a token whose <c>role</c> claim names it. Needs CREATEROLE, not a superuser. Roles are cluster-wide and
    /// may serve other databases, so nothing here is undone on the way down.
    /// </summary>
    public static void CreateAdminRole(this MigrationBuilder migrationBuilder)
    {
        const string admin = RlsClaims.AdminRole;
        migrationBuilder.Sql($"""
            DO $admin$
            BEGIN
                IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '{admin}') THEN
                    BEGIN
                        CREATE ROLE {admin} NOLOGIN NOINHERIT;
                    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
                    END;
                END IF;
                IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '{admin}' AND (rolsuper OR rolbypassrls)) THEN
                    RAISE EXCEPTION 'role {admin} exists and bypasses row-level security; admins must not: ALTER ROLE {admin} NOSUPERUSER NOBYPASSRLS'
                        USING ERRCODE = '42501';
                END IF;
                IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'authenticator')
                   AND NOT pg_catalog.pg_has_role('authenticator', '{admin}', 'MEMBER') THEN
                    GRANT {admin} TO authenticator;
                END IF;
            END
            $admin$;
            GRANT USAGE ON SCHEMA {DatabaseSchemas.Public} TO {admin};
            """);
    }

    /// <summary>Reverses the schema grant of <see cref="CreateAdminRole"/>; the role and its memberships stay (they are cluster-wide).</summary>
    public static void RevokeAdminRoleSchemaUsage(this MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql($"REVOKE USAGE ON SCHEMA {DatabaseSchemas.Public} FROM {RlsClaims.AdminRole};");
    }

    /// <summary>Lets admins read the analytics views (<see cref="Views"/>), as signed-in users may.</summary>
    public static void GrantViewsToAdmins(this MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql(
            $"GRANT SELECT ON TABLE {string.Join(", ", Views.Select(v => $"{DatabaseSchemas.Public}.{v}"))} TO {RlsClaims.AdminRole};");
    }

    /// <summary>Reverses <see cref="GrantViewsToAdmins"/>.</summary>
    public static void RevokeViewsFromAdmins(this MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql(
            $"REVOKE ALL ON TABLE {string.Join(", ", Views.Select(v => $"{DatabaseSchemas.Public}.{v}"))} FROM {RlsClaims.AdminRole};");
    }

    /// <summary>
    /// Drops the policies that <c>EnableOwnerRls</c> (with <paramref name="ownerCommands"/>) or, for
    /// <see cref="RowCommands.Select"/> alone, <c>EnableLedgerRls</c> wrote by hand on <paramref name="table"/>
    /// (<c>{table}_select_own</c>, <c>{table}_select_admin</c>, <c>{table}_insert_own</c>, …), before its declaration
    /// takes over. Their privileges need no revoking: a declaration taking over a table revokes every API role's first.
    /// </summary>
    public static void DropHandWrittenPolicies(this MigrationBuilder migrationBuilder, string table, RowCommands ownerCommands)
    {
        (RowCommands Command, string Policy)[] writes = [(RowCommands.Insert, "insert_own"), (RowCommands.Update, "update_own"), (RowCommands.Delete, "delete_own")];
        string[] policies = ["select_own", "select_admin", .. writes.Where(w => ownerCommands.HasFlag(w.Command)).Select(w => w.Policy)];
        migrationBuilder.Sql(string.Join(
            "\n",
            policies.Select(policy => $"DROP POLICY {table}_{policy} ON {DatabaseSchemas.Public}.{table};")));
    }

    /// <summary>
    /// Replaces <c>domain_private.set_request_context(claims, role)</c> with one that accepts every role of
    /// <see cref="RlsClaims.DatabaseRoles"/>, the admin role among them, and otherwise does what the previous one did:
    /// the claims' <c>role</c> must match, the <c>sub</c> must be a canonical UUID, the claims at most
    /// <see cref="RlsClaims.MaxJsonLength"/> characters, every setting of <see cref="ClaimsStatement.Settings"/> set
    /// transaction-locally, with an empty <c>search_path</c>.
    /// </summary>
    public static void ReplaceRequestContextProcedureAcceptingEveryDatabaseRole(this MigrationBuilder migrationBuilder)
    {
        var roles = RlsClaims.DatabaseRoles;
        var settings = string.Join(
            ",\n                    ",
            ClaimsStatement.Settings.Select(s => $"pg_catalog.set_config('{s.Name}', {s.SqlValue}, true)"));
        migrationBuilder.Sql($$"""
            CREATE OR REPLACE PROCEDURE {{DatabaseSchemas.Private}}.set_request_context(claims text, role text)
            LANGUAGE plpgsql
            SECURITY INVOKER
            SET search_path = ''
            AS $proc$
            DECLARE
                parsed jsonb;
            BEGIN
                IF role IS NULL OR role NOT IN ({{string.Join(", ", roles.Select(r => $"'{r}'"))}}) THEN
                    RAISE EXCEPTION 'set_request_context: role % is not one of {{string.Join(", ", roles)}}', coalesce(role, 'NULL')
                        USING ERRCODE = '42501';
                END IF;
                IF pg_catalog.length(claims) > {{RlsClaims.MaxJsonLength}} THEN
                    RAISE EXCEPTION 'set_request_context: claims are % characters, at most {{RlsClaims.MaxJsonLength}} are accepted', pg_catalog.length(claims)
                        USING ERRCODE = '22023';
                END IF;
                parsed := claims::jsonb;
                IF parsed IS NULL OR pg_catalog.jsonb_typeof(parsed) <> 'object' THEN
                    RAISE EXCEPTION 'set_request_context: claims must be a JSON object' USING ERRCODE = '22P02';
                END IF;
                IF parsed ? 'role' AND parsed ->> 'role' IS DISTINCT FROM role THEN
                    RAISE EXCEPTION 'set_request_context: the claims say role %, the call says %', parsed ->> 'role', role
                        USING ERRCODE = '42501';
                END IF;
                IF parsed ? 'sub' AND (parsed ->> 'sub') !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
                    RAISE EXCEPTION 'set_request_context: sub must be a UUID in canonical lower-case form' USING ERRCODE = '22P02';
                END IF;
                PERFORM {{settings}};
            END
            $proc$;
            REVOKE ALL ON PROCEDURE {{DatabaseSchemas.Private}}.set_request_context(text, text) FROM PUBLIC;
            GRANT EXECUTE ON PROCEDURE {{DatabaseSchemas.Private}}.set_request_context(text, text) TO PUBLIC;
            """);
    }
}
