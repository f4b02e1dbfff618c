CREATE TRIGGER audit_row_changes AFTER INSERT OR DELETE ON public.system_prompts FOR EACH ROW EXECUTE FUNCTION domain_private.record_row_change('id', '', 'last_version_number', 'updated_at');
CREATE TRIGGER audit_row_updates AFTER UPDATE ON public.system_prompts FOR EACH ROW WHEN ((to_jsonb(OLD.*) - '{last_version_number,updated_at}'::text[]) IS DISTINCT FROM (to_jsonb(NEW.*) - '{last_version_number,updated_at}'::text[])) EXECUTE FUNCTION domain_private.record_row_change('id', '', 'last_version_number', 'updated_at');
CREATE TRIGGER audit_truncate AFTER TRUNCATE ON public.system_prompts FOR EACH STATEMENT EXECUTE FUNCTION domain_private.record_truncate();

CREATE TRIGGER audit_row_changes AFTER INSERT OR DELETE ON public.prompt_versions FOR EACH ROW EXECUTE FUNCTION domain_private.record_row_change('id', '');
CREATE TRIGGER audit_row_updates AFTER UPDATE ON public.prompt_versions FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION domain_private.record_row_change('id', '');
CREATE TRIGGER audit_truncate AFTER TRUNCATE ON public.prompt_versions FOR EACH STATEMENT EXECUTE FUNCTION domain_private.record_truncate();

CREATE TRIGGER audit_row_changes AFTER INSERT OR DELETE ON public.files FOR EACH ROW EXECUTE FUNCTION domain_private.record_row_change('id', 'user_id', 'access_count', 'last_accessed_at', 'updated_at');
CREATE TRIGGER audit_row_updates AFTER UPDATE ON public.files FOR EACH ROW WHEN ((to_jsonb(OLD.*) - '{access_count,last_accessed_at,updated_at}'::text[]) IS DISTINCT FROM (to_jsonb(NEW.*) - '{access_count,last_accessed_at,updated_at}'::text[])) EXECUTE FUNCTION domain_private.record_row_change('id', 'user_id', 'access_count', 'last_accessed_at', 'updated_at');
CREATE TRIGGER audit_truncate AFTER TRUNCATE ON public.files FOR EACH STATEMENT EXECUTE FUNCTION domain_private.record_truncate();
