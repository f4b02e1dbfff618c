DROP TRIGGER audit_row_changes ON public.sessions;
DROP TRIGGER audit_row_updates ON public.sessions;
DROP TRIGGER audit_truncate ON public.sessions;

DROP TRIGGER audit_row_changes ON public.conversations;
DROP TRIGGER audit_row_updates ON public.conversations;
DROP TRIGGER audit_truncate ON public.conversations;

DROP FUNCTION domain_private.custom_access_token_hook(jsonb);
DO $revoke$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'supabase_auth_admin') THEN
        REVOKE USAGE ON SCHEMA domain_private FROM supabase_auth_admin;
    END IF;
END
$revoke$;

DROP FUNCTION domain_private.create_user_profile() CASCADE;
DROP FUNCTION domain_private.sync_user_profile_email() CASCADE;

DROP TRIGGER trg_api_keys_revoked_for_good ON public.api_keys;
DROP FUNCTION domain_private.keep_api_key_revoked();

DROP TABLE public.api_keys;

DROP TABLE public.audit_logs;

DROP TABLE public.user_profiles;

DROP INDEX public.ix_usage_logs_user_id_occurred_at;

DROP TYPE public.audit_operation;
DROP TYPE public.user_role;

DROP FUNCTION domain_private.refuse_audit_change();
DROP FUNCTION domain_private.record_truncate();
DROP FUNCTION domain_private.record_row_change();
