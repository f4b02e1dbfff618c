CREATE OR REPLACE PROCEDURE domain_private.set_request_context(claims text, role text)
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
    IF pg_catalog.length(claims) > 16384 THEN
        RAISE EXCEPTION 'set_request_context: claims are % characters, at most 16384 are accepted', pg_catalog.length(claims)
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
    PERFORM pg_catalog.set_config('request.jwt.claims', parsed::text, true),
                    pg_catalog.set_config('request.jwt.claim', '', true),
                    pg_catalog.set_config('request.jwt.claim.sub', coalesce(parsed ->> 'sub', ''), true),
                    pg_catalog.set_config('request.jwt.claim.role', role, true),
                    pg_catalog.set_config('request.jwt.claim.email', coalesce(parsed ->> 'email', ''), true),
                    pg_catalog.set_config('role', role, true);
END
$proc$;
REVOKE ALL ON PROCEDURE domain_private.set_request_context(text, text) FROM PUBLIC;
GRANT EXECUTE ON PROCEDURE domain_private.set_request_context(text, text) TO PUBLIC;
