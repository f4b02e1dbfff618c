using Microsoft.EntityFrameworkCore.Migrations;

namespace Domain.Persistence.Migrations.Sql;

/// <summary>
/// The objects Supabase provides (roles <c>anon</c>, <c>authenticated</c>, <c>service_role</c>; schema <c>auth</c>
/// with <c>auth.users</c>, <c>auth.uid()</c>, <c>auth.jwt()</c>, <c>auth.role()</c>; publication
/// <c>supabase_realtime</c>), created on plain PostgreSQL only when missing and never replaced or altered when
/// present. What the shim creates carries <see cref="Marker"/> as its comment, and only such objects are dropped
/// on the way down. Roles are cluster-wide and shared by every database of the cluster, so they are kept.
/// </summary>
public static class SupabaseCompatibilityMigrationBuilderExtensions
{
    public const string Marker = "Created by the Domain compatibility shim; on Supabase this object belongs to Supabase.";

    public static void CreateSupabaseCompatibility(this MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql($$"""
            DO $shim$
            BEGIN
                IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'anon') THEN
                    CREATE ROLE anon NOLOGIN NOINHERIT;
                END IF;
                IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'authenticated') THEN
                    CREATE ROLE authenticated NOLOGIN NOINHERIT;
                END IF;
                IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'service_role') THEN
                    CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS;
                END IF;

                IF NOT EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = 'auth') THEN
                    CREATE SCHEMA auth;
                    COMMENT ON SCHEMA auth IS '{{Marker}}';
                    GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role;
                END IF;

                IF to_regclass('auth.users') IS NULL THEN
                    CREATE TABLE auth.users (
                        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                        email text,
                        raw_app_meta_data jsonb NOT NULL DEFAULT '{}'::jsonb,
                        raw_user_meta_data jsonb NOT NULL DEFAULT '{}'::jsonb,
                        created_at timestamptz NOT NULL DEFAULT now(),
                        updated_at timestamptz NOT NULL DEFAULT now()
                    );
                    COMMENT ON TABLE auth.users IS '{{Marker}}';
                END IF;

                IF to_regprocedure('auth.uid()') IS NULL THEN
                    CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $f$
                        SELECT coalesce(
                            nullif(current_setting('request.jwt.claim.sub', true), ''),
                            nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'
                        )::uuid
                    $f$;
                    COMMENT ON FUNCTION auth.uid() IS '{{Marker}}';
                END IF;

                IF to_regprocedure('auth.role()') IS NULL THEN
                    CREATE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE AS $f$
                        SELECT coalesce(
                            nullif(current_setting('request.jwt.claim.role', true), ''),
                            nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role'
                        )::text
                    $f$;
                    COMMENT ON FUNCTION auth.role() IS '{{Marker}}';
                END IF;

                IF to_regprocedure('auth.jwt()') IS NULL THEN
                    CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS $f$
                        SELECT coalesce(
                            nullif(current_setting('request.jwt.claim', true), ''),
                            nullif(current_setting('request.jwt.claims', true), '')
                        )::jsonb
                    $f$;
                    COMMENT ON FUNCTION auth.jwt() IS '{{Marker}}';
                END IF;

                IF NOT EXISTS (SELECT FROM pg_catalog.pg_publication WHERE pubname = 'supabase_realtime') THEN
                    CREATE PUBLICATION supabase_realtime;
                    COMMENT ON PUBLICATION supabase_realtime IS '{{Marker}}';
                END IF;
            END
            $shim$;
            """);
    }

    public static void DropSupabaseCompatibility(this MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql($$"""
            DO $shim$
            DECLARE
                marker constant text := '{{Marker}}';
            BEGIN
                IF EXISTS (SELECT FROM pg_catalog.pg_publication p
                           WHERE p.pubname = 'supabase_realtime' AND obj_description(p.oid, 'pg_publication') = marker) THEN
                    DROP PUBLICATION supabase_realtime;
                END IF;
                IF to_regprocedure('auth.jwt()') IS NOT NULL AND obj_description('auth.jwt()'::regprocedure, 'pg_proc') = marker THEN
                    DROP FUNCTION auth.jwt();
                END IF;
                IF to_regprocedure('auth.role()') IS NOT NULL AND obj_description('auth.role()'::regprocedure, 'pg_proc') = marker THEN
                    DROP FUNCTION auth.role();
                END IF;
                IF to_regprocedure('auth.uid()') IS NOT NULL AND obj_description('auth.uid()'::regprocedure, 'pg_proc') = marker THEN
                    DROP FUNCTION auth.uid();
                END IF;
                IF to_regclass('auth.users') IS NOT NULL AND obj_description('auth.users'::regclass, 'pg_class') = marker THEN
                    DROP TABLE auth.users;
                END IF;
                IF EXISTS (SELECT FROM pg_catalog.pg_namespace n
                           WHERE n.nspname = 'auth' AND obj_description(n.oid, 'pg_namespace') = marker) THEN
                    DROP SCHEMA auth;
                END IF;
            END
            $shim$;
            """);
    }
}
