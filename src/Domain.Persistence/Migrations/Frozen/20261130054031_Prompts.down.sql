DROP VIEW IF EXISTS public.prompt_version_results;

DROP TRIGGER IF EXISTS trg_prompt_versions_catalog_version ON public.prompt_versions;
DROP TRIGGER IF EXISTS trg_system_prompts_catalog_version ON public.system_prompts;
DROP FUNCTION IF EXISTS domain_private.advance_prompt_catalog_version();
DROP TABLE IF EXISTS domain_private.prompt_catalog_version;

DROP TRIGGER IF EXISTS trg_system_prompts_updated_at ON public.system_prompts;

ALTER TABLE public.system_prompts DROP CONSTRAINT IF EXISTS fk_system_prompts_active_version;

DROP TABLE public.prompt_performance;

DROP TABLE public.prompt_versions;

DROP TABLE public.system_prompts;
