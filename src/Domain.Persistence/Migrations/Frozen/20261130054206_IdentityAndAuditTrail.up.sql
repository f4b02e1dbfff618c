CREATE TYPE public.audit_operation AS ENUM ('insert', 'update', 'delete', 'truncate');
CREATE TYPE public.user_role AS ENUM ('user', 'admin');

CREATE TABLE public.api_keys (
    id uuid NOT NULL DEFAULT (gen_random_uuid()),
    user_id uuid NOT NULL,
    name character varying(100) NOT NULL,
    prefix character varying(11) NOT NULL,
    key_hash bytea NOT NULL,
    scopes text[] NOT NULL,
    created_at timestamp with time zone NOT NULL DEFAULT (now()),
    expires_at timestamp with time zone,
    revoked_at timestamp with time zone,
    last_used_at timestamp with time zone,
    CONSTRAINT pk_api_keys PRIMARY KEY (id),
    CONSTRAINT ck_api_keys_expires_after_creation CHECK (expires_at is null or expires_at > created_at),
    CONSTRAINT ck_api_keys_key_hash_length CHECK (octet_length(key_hash) = 32),
    CONSTRAINT ck_api_keys_name_length CHECK (char_length(name) between 1 and 100),
    CONSTRAINT ck_api_keys_prefix CHECK (prefix ~ '^dk_[A-Za-z0-9_-]{8}$'),
    CONSTRAINT ck_api_keys_scopes CHECK (cardinality(scopes) between 1 and 32 and array_position(scopes, null) is null and array_to_string(scopes, ',') ~ '^[a-z][a-z0-9_]*([:.][a-z][a-z0-9_]*)*(,[a-z][a-z0-9_]*([:.][a-z][a-z0-9_]*)*)*$' and array_to_string(scopes, ',') !~ '[^,]{65}')
);

CREATE TABLE public.audit_logs (
    id bigint GENERATED ALWAYS AS IDENTITY,
    occurred_at timestamp with time zone NOT NULL DEFAULT (now()),
    transaction_id bigint NOT NULL DEFAULT (txid_current()),
    table_name text NOT NULL,
    operation public.audit_operation NOT NULL,
    row_id uuid,
    owner_id uuid,
    actor_id uuid,
    actor_role text NOT NULL,
    database_role text NOT NULL,
    old_values jsonb,
    new_values jsonb,
    CONSTRAINT pk_audit_logs PRIMARY KEY (id),
    CONSTRAINT ck_audit_logs_row CHECK ((operation = 'truncate') = (row_id is null)),
    CONSTRAINT ck_audit_logs_values CHECK ((operation = 'insert' and old_values is null and new_values is not null) or (operation = 'update' and old_values is not null and new_values is not null) or (operation = 'delete' and old_values is not null and new_values is null) or (operation = 'truncate' and old_values is null and new_values is null))
);

CREATE TABLE public.user_profiles (
    user_id uuid NOT NULL,
    email text,
    display_name character varying(100),
    avatar_url character varying(2048),
    preferences jsonb NOT NULL DEFAULT ('{}'::jsonb),
    role public.user_role NOT NULL DEFAULT 'user'::public.user_role,
    monthly_token_limit bigint,
    monthly_cost_limit_usd numeric(12,6),
    created_at timestamp with time zone NOT NULL DEFAULT (now()),
    updated_at timestamp with time zone NOT NULL DEFAULT (now()),
    CONSTRAINT pk_user_profiles PRIMARY KEY (user_id),
    CONSTRAINT ck_user_profiles_avatar_url CHECK (avatar_url is null or avatar_url ~* '^https?://[^[:space:]]+$'),
    CONSTRAINT ck_user_profiles_display_name_length CHECK (display_name is null or char_length(display_name) between 1 and 100),
    CONSTRAINT ck_user_profiles_monthly_limits CHECK ((monthly_token_limit is null or monthly_token_limit >= 0) and (monthly_cost_limit_usd is null or monthly_cost_limit_usd >= 0)),
    CONSTRAINT ck_user_profiles_preferences_object CHECK (jsonb_typeof(preferences) = 'object')
);

CREATE INDEX ix_usage_logs_user_id_occurred_at ON public.usage_logs (user_id, occurred_at) INCLUDE (input_tokens, output_tokens, cost_usd);

CREATE UNIQUE INDEX ix_api_keys_key_hash ON public.api_keys (key_hash);

CREATE INDEX ix_api_keys_user_id_created_at ON public.api_keys (user_id, created_at DESC, id DESC);

CREATE INDEX ix_audit_logs_owner_id_id ON public.audit_logs (owner_id, id DESC);

CREATE INDEX ix_audit_logs_table_name_row_id_id ON public.audit_logs (table_name, row_id, id);

CREATE INDEX ix_user_profiles_created_at ON public.user_profiles (created_at DESC, user_id DESC);

CREATE FUNCTION domain_private.record_row_change() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $fn$
DECLARE
    excluded text[] := coalesce(TG_ARGV[2:], '{}');
    subject jsonb;
    old_values jsonb;
    new_values jsonb;
    database_role text := CASE WHEN pg_catalog.current_setting('role') = 'none' THEN session_user::text ELSE pg_catalog.current_setting('role') END;
BEGIN
    IF TG_OP = 'INSERT' THEN
        subject := pg_catalog.to_jsonb(NEW);
        new_values := subject - excluded;
    ELSIF TG_OP = 'DELETE' THEN
        subject := pg_catalog.to_jsonb(OLD);
        old_values := subject - excluded;
    ELSE
        subject := pg_catalog.to_jsonb(NEW);
        old_values := pg_catalog.to_jsonb(OLD) - excluded;
        new_values := subject - excluded;
        SELECT pg_catalog.jsonb_object_agg(o.key, o.value), pg_catalog.jsonb_object_agg(o.key, new_values -> o.key)
          INTO old_values, new_values
          FROM pg_catalog.jsonb_each(old_values) o
         WHERE o.value IS DISTINCT FROM new_values -> o.key;
        IF old_values IS NULL THEN
            RETURN NULL;
        END IF;
    END IF;

    INSERT INTO public.audit_logs
        (table_name, operation, row_id, owner_id, actor_id, actor_role, database_role, old_values, new_values)
    VALUES
        (TG_TABLE_NAME, pg_catalog.lower(TG_OP)::public.audit_operation, (subject ->> TG_ARGV[0])::uuid,
         (subject ->> nullif(TG_ARGV[1], ''))::uuid, auth.uid(),
         coalesce(nullif(auth.role(), ''), database_role), database_role, old_values, new_values);
    RETURN NULL;
END
$fn$;
REVOKE ALL ON FUNCTION domain_private.record_row_change() FROM PUBLIC;

CREATE FUNCTION domain_private.record_truncate() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $fn$
DECLARE
    database_role text := CASE WHEN pg_catalog.current_setting('role') = 'none' THEN session_user::text ELSE pg_catalog.current_setting('role') END;
BEGIN
    INSERT INTO public.audit_logs (table_name, operation, actor_id, actor_role, database_role)
    VALUES (TG_TABLE_NAME, pg_catalog.lower(TG_OP)::public.audit_operation, auth.uid(), coalesce(nullif(auth.role(), ''), database_role), database_role);
    RETURN NULL;
END
$fn$;
REVOKE ALL ON FUNCTION domain_private.record_truncate() FROM PUBLIC;

CREATE FUNCTION domain_private.refuse_audit_change() RETURNS trigger
LANGUAGE plpgsql
SET search_path = ''
AS $fn$
BEGIN
    RAISE EXCEPTION 'audit_logs is append-only: % is refused to every role, its owner included', TG_OP
        USING ERRCODE = '42501', TABLE = 'audit_logs';
END
$fn$;
REVOKE ALL ON FUNCTION domain_private.refuse_audit_change() FROM PUBLIC;

CREATE TRIGGER trg_audit_logs_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON public.audit_logs
FOR EACH STATEMENT EXECUTE FUNCTION domain_private.refuse_audit_change();

CREATE TRIGGER trg_user_profiles_updated_at BEFORE UPDATE ON public.user_profiles
FOR EACH ROW EXECUTE FUNCTION domain_private.set_updated_at();

ALTER TABLE public.user_profiles
    ADD CONSTRAINT fk_user_profiles_auth_users FOREIGN KEY (user_id) REFERENCES auth.users (id) ON DELETE CASCADE;

ALTER TABLE public.api_keys
    ADD CONSTRAINT fk_api_keys_auth_users FOREIGN KEY (user_id) REFERENCES auth.users (id) ON DELETE CASCADE;

CREATE FUNCTION domain_private.keep_api_key_revoked() RETURNS trigger
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
REVOKE ALL ON FUNCTION domain_private.keep_api_key_revoked() FROM PUBLIC;

CREATE TRIGGER trg_api_keys_revoked_for_good BEFORE UPDATE OF revoked_at ON public.api_keys
FOR EACH ROW EXECUTE FUNCTION domain_private.keep_api_key_revoked();

CREATE FUNCTION domain_private.create_user_profile() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $fn$
BEGIN
    INSERT INTO public.user_profiles (user_id, email, display_name)
    VALUES (NEW.id, NEW.email, pg_catalog.btrim(pg_catalog.left(coalesce(
    nullif(pg_catalog.btrim(NEW.raw_user_meta_data ->> 'full_name'), ''),
    nullif(pg_catalog.btrim(NEW.raw_user_meta_data ->> 'name'), '')), 100)))
    ON CONFLICT (user_id) DO NOTHING;
    RETURN NULL;
END
$fn$;
REVOKE ALL ON FUNCTION domain_private.create_user_profile() FROM PUBLIC;

CREATE FUNCTION domain_private.sync_user_profile_email() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $fn$
BEGIN
    UPDATE public.user_profiles SET email = NEW.email WHERE user_id = NEW.id AND email IS DISTINCT FROM NEW.email;
    RETURN NULL;
END
$fn$;
REVOKE ALL ON FUNCTION domain_private.sync_user_profile_email() FROM PUBLIC;

CREATE TRIGGER domain_create_user_profile AFTER INSERT ON auth.users
FOR EACH ROW EXECUTE FUNCTION domain_private.create_user_profile();
CREATE TRIGGER domain_sync_user_profile_email AFTER UPDATE OF email ON auth.users
FOR EACH ROW WHEN (OLD.email IS DISTINCT FROM NEW.email) EXECUTE FUNCTION domain_private.sync_user_profile_email();

INSERT INTO public.user_profiles (user_id, email, display_name)
SELECT u.id, u.email, pg_catalog.btrim(pg_catalog.left(coalesce(
    nullif(pg_catalog.btrim(u.raw_user_meta_data ->> 'full_name'), ''),
    nullif(pg_catalog.btrim(u.raw_user_meta_data ->> 'name'), '')), 100))
  FROM auth.users u
ON CONFLICT (user_id) DO NOTHING;

CREATE FUNCTION domain_private.custom_access_token_hook(event jsonb) RETURNS jsonb
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
    IF profile_role = 'admin' AND claims ->> 'role' IN ('authenticated', 'domain_admin') THEN
        claims := claims || '{"role": "domain_admin"}';
    ELSIF claims ->> 'role' = 'domain_admin' THEN
        claims := claims || '{"role": "authenticated"}';
    END IF;
    RETURN pg_catalog.jsonb_build_object('claims', claims);
END
$fn$;
REVOKE ALL ON FUNCTION domain_private.custom_access_token_hook(jsonb) FROM PUBLIC;
DO $grant$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'supabase_auth_admin') THEN
        GRANT USAGE ON SCHEMA domain_private TO supabase_auth_admin;
        GRANT EXECUTE ON FUNCTION domain_private.custom_access_token_hook(jsonb) TO supabase_auth_admin;
    END IF;
END
$grant$;

CREATE TRIGGER audit_row_changes AFTER INSERT OR DELETE ON public.sessions FOR EACH ROW EXECUTE FUNCTION domain_private.record_row_change('id', 'user_id', 'draft_count', 'hole_count', 'last_revision_number', 'revision_count', 'updated_at');
CREATE TRIGGER audit_row_updates AFTER UPDATE ON public.sessions FOR EACH ROW WHEN ((to_jsonb(OLD.*) - '{draft_count,hole_count,last_revision_number,revision_count,updated_at}'::text[]) IS DISTINCT FROM (to_jsonb(NEW.*) - '{draft_count,hole_count,last_revision_number,revision_count,updated_at}'::text[])) EXECUTE FUNCTION domain_private.record_row_change('id', 'user_id', 'draft_count', 'hole_count', 'last_revision_number', 'revision_count', 'updated_at');
CREATE TRIGGER audit_truncate AFTER TRUNCATE ON public.sessions FOR EACH STATEMENT EXECUTE FUNCTION domain_private.record_truncate();

CREATE TRIGGER audit_row_changes AFTER INSERT OR DELETE ON public.conversations FOR EACH ROW EXECUTE FUNCTION domain_private.record_row_change('id', 'user_id', 'expires_at', 'last_activity_at', 'last_message_at', 'last_sequence', 'message_count', 'updated_at');
CREATE TRIGGER audit_row_updates AFTER UPDATE ON public.conversations FOR EACH ROW WHEN ((to_jsonb(OLD.*) - '{expires_at,last_activity_at,last_message_at,last_sequence,message_count,updated_at}'::text[]) IS DISTINCT FROM (to_jsonb(NEW.*) - '{expires_at,last_activity_at,last_message_at,last_sequence,message_count,updated_at}'::text[])) EXECUTE FUNCTION domain_private.record_row_change('id', 'user_id', 'expires_at', 'last_activity_at', 'last_message_at', 'last_sequence', 'message_count', 'updated_at');
CREATE TRIGGER audit_truncate AFTER TRUNCATE ON public.conversations FOR EACH STATEMENT EXECUTE FUNCTION domain_private.record_truncate();

ALTER TABLE public.api_keys ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON TABLE public.api_keys FROM PUBLIC, anon, authenticated, domain_admin, service_role;
GRANT SELECT ON TABLE public.api_keys TO anon;
GRANT SELECT, INSERT (created_at, expires_at, id, key_hash, name, prefix, scopes, user_id), UPDATE (name, revoked_at) ON TABLE public.api_keys TO authenticated;
GRANT SELECT, INSERT (created_at, expires_at, id, key_hash, name, prefix, scopes, user_id), UPDATE (name, revoked_at) ON TABLE public.api_keys TO domain_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.api_keys TO service_role;
CREATE POLICY owner_select ON public.api_keys AS PERMISSIVE FOR SELECT TO authenticated USING ((select auth.uid()) = user_id);
CREATE POLICY owner_insert ON public.api_keys AS PERMISSIVE FOR INSERT TO authenticated WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY owner_update ON public.api_keys AS PERMISSIVE FOR UPDATE TO authenticated USING ((select auth.uid()) = user_id) WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY admin_select ON public.api_keys AS PERMISSIVE FOR SELECT TO domain_admin USING (true);
CREATE POLICY admin_insert ON public.api_keys AS PERMISSIVE FOR INSERT TO domain_admin WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY admin_update ON public.api_keys AS PERMISSIVE FOR UPDATE TO domain_admin USING ((select auth.uid()) = user_id) WITH CHECK ((select auth.uid()) = user_id);
CREATE TRIGGER audit_row_changes AFTER INSERT OR DELETE ON public.api_keys FOR EACH ROW EXECUTE FUNCTION domain_private.record_row_change('id', 'user_id', 'key_hash', 'last_used_at');
CREATE TRIGGER audit_row_updates AFTER UPDATE ON public.api_keys FOR EACH ROW WHEN ((to_jsonb(OLD.*) - '{key_hash,last_used_at}'::text[]) IS DISTINCT FROM (to_jsonb(NEW.*) - '{key_hash,last_used_at}'::text[])) EXECUTE FUNCTION domain_private.record_row_change('id', 'user_id', 'key_hash', 'last_used_at');
CREATE TRIGGER audit_truncate AFTER TRUNCATE ON public.api_keys FOR EACH STATEMENT EXECUTE FUNCTION domain_private.record_truncate();

ALTER TABLE public.audit_logs ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON TABLE public.audit_logs FROM PUBLIC, anon, authenticated, domain_admin, service_role;
GRANT SELECT ON TABLE public.audit_logs TO anon;
GRANT SELECT ON TABLE public.audit_logs TO authenticated;
GRANT SELECT ON TABLE public.audit_logs TO domain_admin;
GRANT SELECT ON TABLE public.audit_logs TO service_role;
CREATE POLICY owner_select ON public.audit_logs AS PERMISSIVE FOR SELECT TO authenticated USING ((select auth.uid()) = owner_id);
CREATE POLICY admin_select ON public.audit_logs AS PERMISSIVE FOR SELECT TO domain_admin USING (true);

ALTER TABLE public.user_profiles ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON TABLE public.user_profiles FROM PUBLIC, anon, authenticated, domain_admin, service_role;
GRANT SELECT ON TABLE public.user_profiles TO anon;
GRANT SELECT, UPDATE (avatar_url, display_name, preferences) ON TABLE public.user_profiles TO authenticated;
GRANT SELECT, UPDATE (avatar_url, display_name, preferences) ON TABLE public.user_profiles TO domain_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.user_profiles TO service_role;
CREATE POLICY owner_select ON public.user_profiles AS PERMISSIVE FOR SELECT TO authenticated USING ((select auth.uid()) = user_id);
CREATE POLICY owner_update ON public.user_profiles AS PERMISSIVE FOR UPDATE TO authenticated USING ((select auth.uid()) = user_id) WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY admin_select ON public.user_profiles AS PERMISSIVE FOR SELECT TO domain_admin USING (true);
CREATE POLICY admin_update ON public.user_profiles AS PERMISSIVE FOR UPDATE TO domain_admin USING ((select auth.uid()) = user_id) WITH CHECK ((select auth.uid()) = user_id);
CREATE TRIGGER audit_row_changes AFTER INSERT OR DELETE ON public.user_profiles FOR EACH ROW EXECUTE FUNCTION domain_private.record_row_change('user_id', 'user_id', 'updated_at');
CREATE TRIGGER audit_row_updates AFTER UPDATE ON public.user_profiles FOR EACH ROW WHEN ((to_jsonb(OLD.*) - '{updated_at}'::text[]) IS DISTINCT FROM (to_jsonb(NEW.*) - '{updated_at}'::text[])) EXECUTE FUNCTION domain_private.record_row_change('user_id', 'user_id', 'updated_at');
CREATE TRIGGER audit_truncate AFTER TRUNCATE ON public.user_profiles FOR EACH STATEMENT EXECUTE FUNCTION domain_private.record_truncate();
