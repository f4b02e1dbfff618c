using Microsoft.EntityFrameworkCore.Migrations;

namespace Domain.Persistence.Migrations.Sql;

/// <summary>
/// The private schema and the procedure SQL clients outside EF call to act for a caller:
/// <c>domain_private.set_request_context(claims text, role text)</c>. It accepts only the API roles, requires the
/// claims to be a JSON object whose <c>role</c> (if any) matches, and sets everything transaction-locally, the way
/// PostgREST does, so nothing outlives the transaction. EF sends the same settings as one plain statement
/// (<see cref="Rls.ClaimsStatement"/>).
/// </summary>
public static class RequestContextMigrationBuilderExtensions
{
    public static void CreatePrivateSchema(this MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql($"""
            CREATE SCHEMA IF NOT EXISTS {DatabaseSchemas.Private};
            REVOKE ALL ON SCHEMA {DatabaseSchemas.Private} FROM PUBLIC;
            GRANT USAGE ON SCHEMA {DatabaseSchemas.Private} TO PUBLIC;
            ALTER DEFAULT PRIVILEGES IN SCHEMA {DatabaseSchemas.Private} REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
            """);
    }

    public static void DropPrivateSchema(this MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql($"""
            ALTER DEFAULT PRIVILEGES IN SCHEMA {DatabaseSchemas.Private} GRANT EXECUTE ON FUNCTIONS TO PUBLIC;
            DROP SCHEMA IF EXISTS {DatabaseSchemas.Private};
            """);
    }

    public static void CreateRequestContextProcedure(this MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql($$"""
            CREATE PROCEDURE {{DatabaseSchemas.Private}}.set_request_context(claims text, role text)
            LANGUAGE plpgsql
            SECURITY INVOKER
            AS $proc$
            DECLARE
                parsed jsonb;
            BEGIN
                IF role IS NULL OR role NOT IN ('anon', 'authenticated', 'service_role') THEN
                    RAISE EXCEPTION 'set_request_context: role % is not one of anon, authenticated, service_role', coalesce(role, 'NULL')
                        USING ERRCODE = '42501';
                END IF;
                parsed := claims::jsonb;
                IF parsed IS NULL OR jsonb_typeof(parsed) <> 'object' THEN
                    RAISE EXCEPTION 'set_request_context: claims must be a JSON object' USING ERRCODE = '22P02';
                END IF;
                IF parsed ? 'role' AND parsed ->> 'role' IS DISTINCT FROM role THEN
                    RAISE EXCEPTION 'set_request_context: the claims say role %, the call says %', parsed ->> 'role', role
                        USING ERRCODE = '42501';
                END IF;
                PERFORM pg_catalog.set_config('request.jwt.claims', parsed::text, true),
                        pg_catalog.set_config('request.jwt.claim.sub', coalesce(parsed ->> 'sub', ''), true),
                        pg_catalog.set_config('request.jwt.claim.role', role, true),
                        pg_catalog.set_config('role', role, true);
            END
            $proc$;
            REVOKE ALL ON PROCEDURE {{DatabaseSchemas.Private}}.set_request_context(text, text) FROM PUBLIC;
            GRANT EXECUTE ON PROCEDURE {{DatabaseSchemas.Private}}.set_request_context(text, text) TO PUBLIC;
            """);
    }

    /// <summary>
    /// Replaces the procedure with one that sets every setting of <see cref="Rls.ClaimsStatement.Settings"/> (the list
    /// the claims statement sets too), runs with an empty <c>search_path</c>, and also refuses a <c>sub</c> that is
    /// not a canonical UUID and claims over <see cref="Rls.RlsClaims.MaxJsonLength"/> characters.
    /// </summary>
    public static void ReplaceRequestContextProcedureWithEverySetting(this MigrationBuilder migrationBuilder)
    {
        var settings = string.Join(
            ",\n                    ",
            Rls.ClaimsStatement.Settings.Select(s => $"pg_catalog.set_config('{s.Name}', {s.SqlValue}, true)"));
        migrationBuilder.Sql($$"""
            CREATE OR REPLACE PROCEDURE {{DatabaseSchemas.Private}}.set_request_context(claims text, role text)
            LANGUAGE plpgsql
            SECURITY INVOKER
            SET search_path = ''
            AS $proc$
            DECLARE
                parsed jsonb;
            BEGIN
                IF role IS NULL OR role NOT IN ('anon', 'authenticated', 'service_role') THEN
                    RAISE EXCEPTION 'set_request_context: role % is not one of anon, authenticated, service_role', coalesce(role, 'NULL')
                        USING ERRCODE = '42501';
                END IF;
                IF pg_catalog.length(claims) > {{Rls.RlsClaims.MaxJsonLength}} THEN
                    RAISE EXCEPTION 'set_request_context: claims are % characters, at most {{Rls.RlsClaims.MaxJsonLength}} are accepted', pg_catalog.length(claims)
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

    public static void DropRequestContextProcedure(this MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql($"DROP PROCEDURE IF EXISTS {DatabaseSchemas.Private}.set_request_context(text, text);");
    }
}
