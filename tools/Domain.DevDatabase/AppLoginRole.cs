using Domain.Persistence;
using Domain.Persistence.Rls;
using Npgsql;

namespace Domain.DevDatabase;

/// <summary>
/// The login role applications use on a development server, like Supabase's <c>authenticator</c>: it owns no table
/// and inherits nothing, so a connection that sends no claims reaches no row; it may only switch to
/// <c>anon</c>, <c>authenticated</c>, <c>domain_admin</c> or <c>service_role</c> (<see cref="RlsClaims.DatabaseRoles"/>),
/// which is what the claims statement does per transaction.
/// For local clusters and test servers only: the password is fixed and public.
/// </summary>
public static class AppLoginRole
{
    /// <summary>The role's name.</summary>
    public const string Name = "domain_app";

    /// <summary>The role's password on development servers.</summary>
    public const string DevPassword = "domain_app";

    private static readonly string EnsureSql = $"""
        DO $roles$
        DECLARE
            stray name;
        BEGIN
        {CreateRole(RlsClaims.AnonRole, "NOLOGIN NOINHERIT")}
        {CreateRole(RlsClaims.AuthenticatedRole, "NOLOGIN NOINHERIT")}
        {CreateRole(RlsClaims.ServiceRole, "NOLOGIN NOINHERIT BYPASSRLS")}
        {CreateRole(RlsClaims.AdminRole, "NOLOGIN NOINHERIT")}
        {CreateRole(Name, $"LOGIN NOINHERIT PASSWORD '{DevPassword}'")}
            IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '{Name}'
                       AND (NOT rolcanlogin OR rolinherit OR rolsuper OR rolcreaterole OR rolcreatedb OR rolbypassrls OR rolreplication)) THEN
                ALTER ROLE {Name} LOGIN NOINHERIT NOSUPERUSER NOCREATEROLE NOCREATEDB NOBYPASSRLS NOREPLICATION;
            END IF;
            FOR stray IN
                SELECT r.rolname FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles r ON r.oid = m.roleid
                WHERE m.member = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = '{Name}')
                  AND r.rolname NOT IN ({string.Join(", ", RlsClaims.DatabaseRoles.Select(r => $"'{r}'"))})
            LOOP
                EXECUTE format('REVOKE %I FROM {Name}', stray);
            END LOOP;
        {string.Join("\n", RlsClaims.DatabaseRoles.Select(GrantRole))}
        END
        $roles$
        """;

    /// <summary>
    /// Creates the API roles and the admin role where they are missing, then creates the login role or brings an
    /// existing one back to LOGIN NOINHERIT, no special rights, member of those roles and of nothing else. Development
    /// tooling creates them only here (on any plain PostgreSQL the first migration's compatibility shim creates the API
    /// roles too, and a later migration the admin role). The admin role must exist before the login role can be made
    /// a member: tests ensure the roles before any database is migrated.
    /// Needs a superuser (or a role with CREATEROLE) at <paramref name="adminConnectionString"/>; roles are
    /// cluster-wide, so any database of the cluster will do.
    /// </summary>
    public static async Task EnsureAsync(string adminConnectionString, CancellationToken ct = default)
    {
        ConnectionStrings.EnsureUsable(adminConnectionString);
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync(ct);

        await using var command = new NpgsqlCommand(EnsureSql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Lets the login role read the migration history (<c>USAGE</c> on <c>domain_ops</c>, <c>SELECT</c> on its
    /// <c>__EFMigrationsHistory</c>), so that a health check can tell whether every migration is applied; nothing else
    /// of <c>domain_ops</c>. Does nothing on a database without the history. Run as the schema owner on the migrated database.
    /// </summary>
    public static async Task AllowReadingMigrationHistoryAsync(string ownerConnectionString, CancellationToken ct = default)
    {
        ConnectionStrings.EnsureUsable(ownerConnectionString);
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(GrantHistorySql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static readonly string GrantHistorySql = $"""
        DO $grant$
        BEGIN
            IF to_regclass('{DatabaseSchemas.Operations}."{DatabaseSchemas.MigrationsHistoryTable}"') IS NOT NULL THEN
                GRANT USAGE ON SCHEMA {DatabaseSchemas.Operations} TO {Name};
                GRANT SELECT ON {DatabaseSchemas.Operations}."{DatabaseSchemas.MigrationsHistoryTable}" TO {Name};
            END IF;
        END
        $grant$
        """;

    /// <summary>The same server and database as <paramref name="adminConnectionString"/>, logged in as <see cref="Name"/>.</summary>
    public static string ConnectionStringFor(string adminConnectionString)
    {
        ConnectionStrings.EnsureUsable(adminConnectionString);
        var builder = new NpgsqlConnectionStringBuilder(adminConnectionString)
        {
            Username = Name,
            Password = DevPassword,
        };
        return builder.ConnectionString;
    }

    // Two callers may ensure the roles at once (parallel test runs, two `domain up`): the loser of a race on a
    // CREATE ROLE or GRANT sees duplicate_object or unique_violation, which means the winner already did the work.
    private static string CreateRole(string role, string attributes) => $"""
            IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '{role}') THEN
                BEGIN
                    CREATE ROLE {role} {attributes};
                EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
                END;
            END IF;
        """;

    private static string GrantRole(string role) => $"""
            IF NOT pg_catalog.pg_has_role('{Name}', '{role}', 'MEMBER') THEN
                BEGIN
                    GRANT {role} TO {Name};
                EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
                END;
            END IF;
        """;
}
