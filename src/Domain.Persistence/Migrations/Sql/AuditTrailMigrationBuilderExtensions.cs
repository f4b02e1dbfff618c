using Domain.Persistence.Auditing;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Domain.Persistence.Migrations.Sql;

/// <summary>
/// The audit trail's functions, which the triggers generated from <c>IsAudited</c> declarations call, and the guard
/// that keeps <c>audit_logs</c> append-only. Create them before the first audited table exists (the generator creates
/// the triggers after a migration's other operations) and drop them after the last one is gone.
/// </summary>
public static class AuditTrailMigrationBuilderExtensions
{
    /// <summary>
    /// The database role that ran the statement: the role a request switched to (PostgREST and this layer switch with
    /// <c>set_config('role', …)</c>), else the login role (psql, Supabase Auth). Both survive the switch to the owner that
    /// a SECURITY DEFINER function makes, unlike <c>current_user</c>.
    /// </summary>
    private const string DatabaseRole =
        "CASE WHEN pg_catalog.current_setting('role') = 'none' THEN session_user::text ELSE pg_catalog.current_setting('role') END";

    /// <summary>
    /// Creates <c>record_row_change</c> and <c>record_truncate</c> (SECURITY DEFINER, empty search path, executable by
    /// nobody: a trigger calls its function whatever the writer's privileges) and makes <c>audit_logs</c> refuse UPDATE,
    /// DELETE and TRUNCATE from every role, its owner included (the API roles hold no such privilege in the first
    /// place). An entry records the actor from the request's claims (<c>auth.uid()</c>, and the claims' role or else
    /// the database role), the table, the row's id and owner, and the changed columns before and after, the excluded
    /// ones left out; an update that changed nothing else writes no entry.
    /// </summary>
    public static void CreateAuditTrail(this MigrationBuilder migrationBuilder)
    {
        var p = DatabaseSchemas.Private;
        migrationBuilder.Sql($$"""
            CREATE FUNCTION {{AuditTriggers.RowChangeFunction}}() RETURNS trigger
            LANGUAGE plpgsql
            SECURITY DEFINER
            SET search_path = ''
            AS $fn$
            DECLARE
                excluded text[] := coalesce(TG_ARGV[2:], '{}');
                subject jsonb;
                old_values jsonb;
                new_values jsonb;
                database_role text := {{DatabaseRole}};
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
            REVOKE ALL ON FUNCTION {{AuditTriggers.RowChangeFunction}}() FROM PUBLIC;

            CREATE FUNCTION {{AuditTriggers.TruncateFunction}}() RETURNS trigger
            LANGUAGE plpgsql
            SECURITY DEFINER
            SET search_path = ''
            AS $fn$
            DECLARE
                database_role text := {{DatabaseRole}};
            BEGIN
                INSERT INTO public.audit_logs (table_name, operation, actor_id, actor_role, database_role)
                VALUES (TG_TABLE_NAME, pg_catalog.lower(TG_OP)::public.audit_operation, auth.uid(), coalesce(nullif(auth.role(), ''), database_role), database_role);
                RETURN NULL;
            END
            $fn$;
            REVOKE ALL ON FUNCTION {{AuditTriggers.TruncateFunction}}() FROM PUBLIC;

            CREATE FUNCTION {{p}}.refuse_audit_change() RETURNS trigger
            LANGUAGE plpgsql
            SET search_path = ''
            AS $fn$
            BEGIN
                RAISE EXCEPTION 'audit_logs is append-only: % is refused to every role, its owner included', TG_OP
                    USING ERRCODE = '42501', TABLE = 'audit_logs';
            END
            $fn$;
            REVOKE ALL ON FUNCTION {{p}}.refuse_audit_change() FROM PUBLIC;

            CREATE TRIGGER trg_audit_logs_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {{DatabaseSchemas.Public}}.audit_logs
            FOR EACH STATEMENT EXECUTE FUNCTION {{p}}.refuse_audit_change();
            """);
    }

    /// <summary>Reverses <see cref="CreateAuditTrail"/>: run it after the audited tables lost their triggers and <c>audit_logs</c> is gone.</summary>
    public static void DropAuditTrail(this MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql($"""
            DROP FUNCTION {DatabaseSchemas.Private}.refuse_audit_change();
            DROP FUNCTION {AuditTriggers.TruncateFunction}();
            DROP FUNCTION {AuditTriggers.RowChangeFunction}();
            """);
    }
}
