using Domain.Persistence.Rls;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Domain.Persistence.Migrations.Sql;

/// <summary>
/// Profiles made from <c>auth.users</c>, the guard that keeps a revoked API key revoked, and Supabase's custom access
/// token hook that takes the role claim from the profile. Everything lives in <c>domain_private</c> (nothing may be
/// created in <c>auth</c>) and runs with an empty search path.
/// </summary>
public static class IdentityMigrationBuilderExtensions
{
    /// <summary>The functions triggers on <c>auth.users</c> call; dropping them drops those triggers (see <see cref="DropUserProfilesFromAuthUsers"/>).</summary>
    private static readonly string[] AuthUserFunctions = ["create_user_profile()", "sync_user_profile_email()"];

    /// <summary>
    /// The display name a new profile starts with: the auth user's <c>full_name</c>, else <c>name</c>, from the metadata
    /// sign-up collected, trimmed and cut to the profile's limit; null when neither is there. Never an error: a profile
    /// that cannot be made would stop the sign-up.
    /// </summary>
    private static string DisplayNameFrom(string metadata)
        => $"""
            pg_catalog.btrim(pg_catalog.left(coalesce(
                nullif(pg_catalog.btrim({metadata} ->> 'full_name'), ''),
                nullif(pg_catalog.btrim({metadata} ->> 'name'), '')), {Domain.Identity.IdentityLimits.DisplayNameMaxLength}))
            """;

    /// <summary>
    /// Every auth user gets a profile: a trigger on <c>auth.users</c> (allowed on Supabase, unlike new objects in
    /// <c>auth</c>) calls a SECURITY DEFINER function of ours that inserts it, so it works whoever inserts the user:
    /// Supabase Auth as <c>supabase_auth_admin</c>, which has no rights on our schemas (a trigger calls its function
    /// without an EXECUTE check, and the function writes as its owner), or anyone on plain PostgreSQL. A second trigger
    /// keeps the profile's copy of the e-mail address. Users that existed before get their profiles now (the backfill
    /// writes no audit entries: the audit triggers are created after it, at the end of the migration).
    /// </summary>
    public static void CreateUserProfilesFromAuthUsers(this MigrationBuilder migrationBuilder)
    {
        var p = DatabaseSchemas.Private;
        migrationBuilder.Sql($$"""
            CREATE FUNCTION {{p}}.create_user_profile() RETURNS trigger
            LANGUAGE plpgsql
            SECURITY DEFINER
            SET search_path = ''
            AS $fn$
            BEGIN
                INSERT INTO public.user_profiles (user_id, email, display_name)
                VALUES (NEW.id, NEW.email, {{DisplayNameFrom("NEW.raw_user_meta_data")}})
                ON CONFLICT (user_id) DO NOTHING;
                RETURN NULL;
            END
            $fn$;
            REVOKE ALL ON FUNCTION {{p}}.create_user_profile() FROM PUBLIC;

            CREATE FUNCTION {{p}}.sync_user_profile_email() RETURNS trigger
            LANGUAGE plpgsql
            SECURITY DEFINER
            SET search_path = ''
            AS $fn$
            BEGIN
                UPDATE public.user_profiles SET email = NEW.email WHERE user_id = NEW.id AND email IS DISTINCT FROM NEW.email;
                RETURN NULL;
            END
            $fn$;
            REVOKE ALL ON FUNCTION {{p}}.sync_user_profile_email() FROM PUBLIC;

            CREATE TRIGGER domain_create_user_profile AFTER INSERT ON auth.users
            FOR EACH ROW EXECUTE FUNCTION {{p}}.create_user_profile();
            CREATE TRIGGER domain_sync_user_profile_email AFTER UPDATE OF email ON auth.users
            FOR EACH ROW WHEN (OLD.email IS DISTINCT FROM NEW.email) EXECUTE FUNCTION {{p}}.sync_user_profile_email();

            INSERT INTO public.user_profiles (user_id, email, display_name)
            SELECT u.id, u.email, {{DisplayNameFrom("u.raw_user_meta_data")}}
              FROM auth.users u
            ON CONFLICT (user_id) DO NOTHING;
            """);
    }

    /// <summary>
    /// Reverses <see cref="CreateUserProfilesFromAuthUsers"/>. On Supabase only <c>supabase_auth_admin</c> owns
    /// <c>auth.users</c>, and DROP TRIGGER needs the table's owner; dropping our functions with CASCADE drops the
    /// triggers that call them (and nothing else depends on them), which needs only the functions' ownership.
    /// </summary>
    public static void DropUserProfilesFromAuthUsers(this MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql(string.Join(
            "\n",
            AuthUserFunctions.Select(function => $"DROP FUNCTION {DatabaseSchemas.Private}.{function} CASCADE;")));
    }

    /// <summary>A revoked key stays revoked: clearing or moving <c>revoked_at</c> once set is a check violation, for every role.</summary>
    public static void CreateApiKeyRevocationGuard(this MigrationBuilder migrationBuilder)
    {
        var p = DatabaseSchemas.Private;
        migrationBuilder.Sql($$"""
            CREATE FUNCTION {{p}}.keep_api_key_revoked() RETURNS trigger
            LANGUAGE plpgsql
            SET search_path = ''
            AS $fn$
            BEGIN
                IF OLD.revoked_at IS NOT NULL AND NEW.revoked_at IS DISTINCT FROM OLD.revoked_at THEN
                    RAISE EXCEPTION 'API key % was revoked at %; a revoked key stays revoked', OLD.id, OLD.revoked_at
                        USING ERRCODE = '23514', CONSTRAINT = 'ck_api_keys_revoked_for_good', TABLE = 'api_keys';
                END IF;
                RETURN NEW;
            END
            $fn$;
            REVOKE ALL ON FUNCTION {{p}}.keep_api_key_revoked() FROM PUBLIC;

            CREATE TRIGGER trg_api_keys_revoked_for_good BEFORE UPDATE OF revoked_at ON {{DatabaseSchemas.Public}}.api_keys
            FOR EACH ROW EXECUTE FUNCTION {{p}}.keep_api_key_revoked();
            """);
    }

    public static void DropApiKeyRevocationGuard(this MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql($"""
            DROP TRIGGER trg_api_keys_revoked_for_good ON {DatabaseSchemas.Public}.api_keys;
            DROP FUNCTION {DatabaseSchemas.Private}.keep_api_key_revoked();
            """);
    }

    /// <summary>
    /// Supabase's custom access token hook (<c>pg-functions://postgres/domain_private/custom_access_token_hook</c>):
    /// before Supabase Auth issues a token it asks this function, which makes the token's claims say what the profile
    /// says. An admin's token gets <c>role</c> <see cref="RlsClaims.AdminRole"/>, everyone's gets <c>app_metadata.role</c>
    /// from the profile (<c>user</c> or <c>admin</c>, whatever the auth user's own metadata said), and a token that named
    /// the admin role for someone who is no longer one goes back to <c>authenticated</c>. SECURITY DEFINER (it reads one
    /// profile as its owner, so Supabase Auth needs no grant on the table and no policy of its own), empty search path,
    /// executable only by <c>supabase_auth_admin</c> where that role exists (with usage of <c>domain_private</c>, whose
    /// other functions it cannot execute).
    /// </summary>
    public static void CreateAccessTokenHook(this MigrationBuilder migrationBuilder)
    {
        var p = DatabaseSchemas.Private;
        migrationBuilder.Sql($$"""
            CREATE FUNCTION {{p}}.custom_access_token_hook(event jsonb) RETURNS jsonb
            LANGUAGE plpgsql
            STABLE
            SECURITY DEFINER
            SET search_path = ''
            AS $fn$
            DECLARE
                claims jsonb := event -> 'claims';
                profile_role public.user_role;
                app_metadata jsonb;
            BEGIN
                IF pg_catalog.jsonb_typeof(claims) IS DISTINCT FROM 'object' THEN
                    RETURN pg_catalog.jsonb_build_object(
                        'error', pg_catalog.jsonb_build_object('http_code', 400, 'message', 'The hook event carries no claims object.'));
                END IF;

                SELECT p.role INTO profile_role FROM public.user_profiles p WHERE p.user_id = (event ->> 'user_id')::uuid;
                app_metadata := CASE WHEN pg_catalog.jsonb_typeof(claims -> 'app_metadata') = 'object' THEN claims -> 'app_metadata' ELSE '{}' END;
                claims := claims || pg_catalog.jsonb_build_object(
                    'app_metadata', app_metadata || pg_catalog.jsonb_build_object('role', coalesce(profile_role, 'user')::text));
                IF profile_role = 'admin' AND claims ->> 'role' IN ('{{RlsClaims.AuthenticatedRole}}', '{{RlsClaims.AdminRole}}') THEN
                    claims := claims || '{"role": "{{RlsClaims.AdminRole}}"}';
                ELSIF claims ->> 'role' = '{{RlsClaims.AdminRole}}' THEN
                    claims := claims || '{"role": "{{RlsClaims.AuthenticatedRole}}"}';
                END IF;
                RETURN pg_catalog.jsonb_build_object('claims', claims);
            END
            $fn$;
            REVOKE ALL ON FUNCTION {{p}}.custom_access_token_hook(jsonb) FROM PUBLIC;
            DO $grant$
            BEGIN
                IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'supabase_auth_admin') THEN
                    GRANT USAGE ON SCHEMA {{p}} TO supabase_auth_admin;
                    GRANT EXECUTE ON FUNCTION {{p}}.custom_access_token_hook(jsonb) TO supabase_auth_admin;
                END IF;
            END
            $grant$;
            """);
    }

    public static void DropAccessTokenHook(this MigrationBuilder migrationBuilder)
    {
        var p = DatabaseSchemas.Private;
        migrationBuilder.Sql($$"""
            DROP FUNCTION {{p}}.custom_access_token_hook(jsonb);
            DO $revoke$
            BEGIN
                IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'supabase_auth_admin') THEN
                    REVOKE USAGE ON SCHEMA {{p}} FROM supabase_auth_admin;
                END IF;
            END
            $revoke$;
            """);
    }
}
