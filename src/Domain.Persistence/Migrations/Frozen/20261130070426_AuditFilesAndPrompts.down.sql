DROP TRIGGER audit_row_changes ON public.system_prompts;
DROP TRIGGER audit_row_updates ON public.system_prompts;
DROP TRIGGER audit_truncate ON public.system_prompts;

DROP TRIGGER audit_row_changes ON public.prompt_versions;
DROP TRIGGER audit_row_updates ON public.prompt_versions;
DROP TRIGGER audit_truncate ON public.prompt_versions;

DROP TRIGGER audit_row_changes ON public.files;
DROP TRIGGER audit_row_updates ON public.files;
DROP TRIGGER audit_truncate ON public.files;
