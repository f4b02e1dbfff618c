CREATE TABLE public.system_prompts (
    id uuid NOT NULL DEFAULT (gen_random_uuid()),
    tool_name character varying(100) NOT NULL,
    provider character varying(100) NOT NULL,
    tier integer NOT NULL,
    description character varying(2000),
    active_version_number integer,
    activated_at timestamp with time zone,
    last_version_number integer NOT NULL,
    created_at timestamp with time zone NOT NULL DEFAULT (now()),
    updated_at timestamp with time zone NOT NULL DEFAULT (now()),
    CONSTRAINT pk_system_prompts PRIMARY KEY (id),
    CONSTRAINT ck_system_prompts_active_version CHECK ((active_version_number is null) = (activated_at is null) and (active_version_number is null or active_version_number between 1 and last_version_number)),
    CONSTRAINT ck_system_prompts_provider_length CHECK (char_length(provider) between 1 and 100),
    CONSTRAINT ck_system_prompts_tier CHECK (tier between 0 and 3),
    CONSTRAINT ck_system_prompts_tool_name_length CHECK (char_length(tool_name) between 1 and 100)
);

CREATE TABLE public.prompt_versions (
    id uuid NOT NULL DEFAULT (gen_random_uuid()),
    prompt_id uuid NOT NULL,
    version_number integer NOT NULL,
    content text NOT NULL,
    content_hash character varying(64) NOT NULL,
    notes character varying(2000),
    author_id uuid,
    created_at timestamp with time zone NOT NULL DEFAULT (now()),
    CONSTRAINT pk_prompt_versions PRIMARY KEY (id),
    CONSTRAINT ak_prompt_versions_prompt_id_version_number UNIQUE (prompt_id, version_number),
    CONSTRAINT ck_prompt_versions_content_hash CHECK (content_hash = encode(sha256(convert_to(content, 'UTF8')), 'hex')),
    CONSTRAINT ck_prompt_versions_content_length CHECK (char_length(content) between 1 and 200000),
    CONSTRAINT ck_prompt_versions_number_positive CHECK (version_number >= 1),
    CONSTRAINT fk_prompt_versions_system_prompts_prompt_id FOREIGN KEY (prompt_id) REFERENCES public.system_prompts (id) ON DELETE CASCADE
);

CREATE TABLE public.prompt_performance (
    id uuid NOT NULL DEFAULT (gen_random_uuid()),
    user_id uuid NOT NULL,
    prompt_version_id uuid NOT NULL,
    token_count integer NOT NULL,
    latency_ms integer NOT NULL,
    succeeded boolean NOT NULL,
    quality_score double precision,
    error_message character varying(2000),
    occurred_at timestamp with time zone NOT NULL DEFAULT (now()),
    CONSTRAINT pk_prompt_performance PRIMARY KEY (id),
    CONSTRAINT ck_prompt_performance_error_on_failure CHECK (error_message is null or not succeeded),
    CONSTRAINT ck_prompt_performance_latency CHECK (latency_ms >= 0),
    CONSTRAINT ck_prompt_performance_quality_score CHECK (quality_score is null or quality_score between 0 and 1),
    CONSTRAINT ck_prompt_performance_tokens CHECK (token_count >= 0),
    CONSTRAINT fk_prompt_performance_prompt_versions_prompt_version_id FOREIGN KEY (prompt_version_id) REFERENCES public.prompt_versions (id) ON DELETE CASCADE
);

CREATE INDEX ix_prompt_performance_prompt_version_id_occurred_at ON public.prompt_performance (prompt_version_id, occurred_at);

CREATE INDEX ix_prompt_performance_user_id_occurred_at ON public.prompt_performance (user_id, occurred_at);

CREATE UNIQUE INDEX ix_prompt_versions_prompt_id_content_hash ON public.prompt_versions (prompt_id, content_hash);

CREATE INDEX ix_system_prompts_id_active_version_number ON public.system_prompts (id, active_version_number);

CREATE UNIQUE INDEX ix_system_prompts_tool_name_provider ON public.system_prompts (tool_name, provider);

ALTER TABLE public.system_prompts
    ADD CONSTRAINT fk_system_prompts_active_version FOREIGN KEY (id, active_version_number)
    REFERENCES public.prompt_versions (prompt_id, version_number)
    DEFERRABLE INITIALLY DEFERRED;

CREATE TRIGGER trg_system_prompts_updated_at BEFORE UPDATE ON public.system_prompts
FOR EACH ROW EXECUTE FUNCTION domain_private.set_updated_at();

CREATE TABLE domain_private.prompt_catalog_version (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    version bigint NOT NULL DEFAULT 0 CHECK (version >= 0));
INSERT INTO domain_private.prompt_catalog_version (singleton, version) VALUES (true, 0);
REVOKE ALL ON TABLE domain_private.prompt_catalog_version FROM PUBLIC;
GRANT SELECT ON TABLE domain_private.prompt_catalog_version TO service_role;

CREATE FUNCTION domain_private.advance_prompt_catalog_version() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $fn$
BEGIN
    UPDATE domain_private.prompt_catalog_version SET version = version + 1;
    RETURN NULL;
END
$fn$;
REVOKE ALL ON FUNCTION domain_private.advance_prompt_catalog_version() FROM PUBLIC;

CREATE TRIGGER trg_system_prompts_catalog_version
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON public.system_prompts
FOR EACH STATEMENT EXECUTE FUNCTION domain_private.advance_prompt_catalog_version();
CREATE TRIGGER trg_prompt_versions_catalog_version
AFTER UPDATE OR DELETE OR TRUNCATE ON public.prompt_versions
FOR EACH STATEMENT EXECUTE FUNCTION domain_private.advance_prompt_catalog_version();

CREATE VIEW public.prompt_version_results WITH (security_invoker = true) AS
SELECT v.id AS prompt_version_id,
       v.prompt_id,
       v.version_number,
       count(r.id) AS runs,
       count(r.id) FILTER (WHERE r.succeeded) AS successes,
       (count(r.id) FILTER (WHERE r.succeeded))::double precision / nullif(count(r.id), 0) AS success_rate,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY r.latency_ms) AS median_latency_ms,
       avg(r.quality_score) AS average_quality_score,
       max(r.occurred_at) AS last_run_at
  FROM public.prompt_versions v
  LEFT JOIN public.prompt_performance r ON r.prompt_version_id = v.id
 GROUP BY v.id, v.prompt_id, v.version_number;
REVOKE ALL ON TABLE public.prompt_version_results FROM PUBLIC, anon, authenticated;
GRANT SELECT ON TABLE public.prompt_version_results TO domain_admin, service_role;

ALTER TABLE public.system_prompts ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON TABLE public.system_prompts FROM PUBLIC, anon, authenticated, domain_admin, service_role;
GRANT SELECT ON TABLE public.system_prompts TO anon;
GRANT SELECT ON TABLE public.system_prompts TO authenticated;
GRANT SELECT, INSERT (activated_at, active_version_number, created_at, description, id, last_version_number, provider, tier, tool_name), UPDATE (activated_at, active_version_number, description, last_version_number, tier, updated_at) ON TABLE public.system_prompts TO domain_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.system_prompts TO service_role;
CREATE POLICY reader_select ON public.system_prompts AS PERMISSIVE FOR SELECT TO authenticated USING (true);
CREATE POLICY admin_select ON public.system_prompts AS PERMISSIVE FOR SELECT TO domain_admin USING (true);
CREATE POLICY admin_insert ON public.system_prompts AS PERMISSIVE FOR INSERT TO domain_admin WITH CHECK (true);
CREATE POLICY admin_update ON public.system_prompts AS PERMISSIVE FOR UPDATE TO domain_admin USING (true) WITH CHECK (true);

ALTER TABLE public.prompt_versions ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON TABLE public.prompt_versions FROM PUBLIC, anon, authenticated, domain_admin, service_role;
GRANT SELECT ON TABLE public.prompt_versions TO anon;
GRANT SELECT ON TABLE public.prompt_versions TO authenticated;
GRANT SELECT, INSERT ON TABLE public.prompt_versions TO domain_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE public.prompt_versions TO service_role;
CREATE POLICY reader_select ON public.prompt_versions AS PERMISSIVE FOR SELECT TO authenticated USING (true);
CREATE POLICY admin_select ON public.prompt_versions AS PERMISSIVE FOR SELECT TO domain_admin USING (true);
CREATE POLICY admin_insert ON public.prompt_versions AS PERMISSIVE FOR INSERT TO domain_admin WITH CHECK (true);

ALTER TABLE public.prompt_performance ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON TABLE public.prompt_performance FROM PUBLIC, anon, authenticated, domain_admin, service_role;
GRANT SELECT ON TABLE public.prompt_performance TO anon;
GRANT SELECT ON TABLE public.prompt_performance TO authenticated;
GRANT SELECT ON TABLE public.prompt_performance TO domain_admin;
GRANT SELECT, INSERT ON TABLE public.prompt_performance TO service_role;
CREATE POLICY owner_select ON public.prompt_performance AS PERMISSIVE FOR SELECT TO authenticated USING ((select auth.uid()) = user_id);
CREATE POLICY admin_select ON public.prompt_performance AS PERMISSIVE FOR SELECT TO domain_admin USING (true);
