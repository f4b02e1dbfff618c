using Microsoft.EntityFrameworkCore.Migrations;

namespace Domain.Persistence.Migrations.Sql;

/// <summary>Triggers that keep <c>updated_at</c> and the denormalised counters exact for every writer.</summary>
public static class TriggerMigrationBuilderExtensions
{
    public static void CreateUpdatedAtFunction(this MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql($$"""
            CREATE FUNCTION {{DatabaseSchemas.Private}}.set_updated_at() RETURNS trigger
            LANGUAGE plpgsql
            SET search_path = ''
            AS $fn$
            BEGIN
                NEW.updated_at := now();
                RETURN NEW;
            END
            $fn$;
            """);
    }

    public static void DropUpdatedAtFunction(this MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql($"DROP FUNCTION IF EXISTS {DatabaseSchemas.Private}.set_updated_at();");
    }

    /// <summary>Sets <c>updated_at</c> to the transaction's time on every update of <paramref name="table"/>.</summary>
    public static void CreateUpdatedAtTrigger(this MigrationBuilder migrationBuilder, string table)
    {
        migrationBuilder.Sql($"""
            CREATE TRIGGER trg_{table}_updated_at BEFORE UPDATE ON {DatabaseSchemas.Public}.{table}
            FOR EACH ROW EXECUTE FUNCTION {DatabaseSchemas.Private}.set_updated_at();
            """);
    }

    public static void DropUpdatedAtTrigger(this MigrationBuilder migrationBuilder, string table)
    {
        migrationBuilder.Sql($"DROP TRIGGER IF EXISTS trg_{table}_updated_at ON {DatabaseSchemas.Public}.{table};");
    }

    /// <summary>
    /// Keeps <c>sessions.revision_count</c>, <c>draft_count</c> and <c>hole_count</c> equal to the rows, and
    /// <c>last_revision_number</c> at least the highest revision number, whoever writes the children. The function
    /// is SECURITY DEFINER: callers cannot write the counters themselves (no column grant), the trigger can.
    /// The triggers are deferred to commit: a counter update earlier in the transaction would give the session row a
    /// new version before EF's own UPDATE of it, whose <c>xmin</c> check would then fail although nobody else wrote.
    /// Inside the writing transaction the counters therefore still show the values from before it.
    /// </summary>
    public static void CreateSessionCounterTriggers(this MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql($$"""
            CREATE FUNCTION {{DatabaseSchemas.Private}}.maintain_session_counters() RETURNS trigger
            LANGUAGE plpgsql
            SECURITY DEFINER
            SET search_path = ''
            AS $fn$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    IF TG_TABLE_NAME = 'session_revisions' THEN
                        UPDATE public.sessions
                           SET revision_count = revision_count + 1,
                               last_revision_number = greatest(last_revision_number, NEW.revision_number)
                         WHERE id = NEW.session_id;
                    ELSIF TG_TABLE_NAME = 'session_drafts' THEN
                        UPDATE public.sessions SET draft_count = draft_count + 1 WHERE id = NEW.session_id;
                    ELSE
                        UPDATE public.sessions SET hole_count = hole_count + 1 WHERE id = NEW.session_id;
                    END IF;
                    RETURN NEW;
                END IF;

                IF TG_TABLE_NAME = 'session_revisions' THEN
                    UPDATE public.sessions SET revision_count = revision_count - 1 WHERE id = OLD.session_id;
                ELSIF TG_TABLE_NAME = 'session_drafts' THEN
                    UPDATE public.sessions SET draft_count = draft_count - 1 WHERE id = OLD.session_id;
                ELSE
                    UPDATE public.sessions SET hole_count = hole_count - 1 WHERE id = OLD.session_id;
                END IF;
                RETURN OLD;
            END
            $fn$;
            REVOKE ALL ON FUNCTION {{DatabaseSchemas.Private}}.maintain_session_counters() FROM PUBLIC;

            CREATE CONSTRAINT TRIGGER trg_session_revisions_count AFTER INSERT OR DELETE ON public.session_revisions
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {{DatabaseSchemas.Private}}.maintain_session_counters();
            CREATE CONSTRAINT TRIGGER trg_session_drafts_count AFTER INSERT OR DELETE ON public.session_drafts
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {{DatabaseSchemas.Private}}.maintain_session_counters();
            CREATE CONSTRAINT TRIGGER trg_hole_resolutions_count AFTER INSERT OR DELETE ON public.hole_resolutions
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {{DatabaseSchemas.Private}}.maintain_session_counters();
            """);
    }

    public static void DropSessionCounterTriggers(this MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql($"""
            DROP TRIGGER IF EXISTS trg_hole_resolutions_count ON public.hole_resolutions;
            DROP TRIGGER IF EXISTS trg_session_drafts_count ON public.session_drafts;
            DROP TRIGGER IF EXISTS trg_session_revisions_count ON public.session_revisions;
            DROP FUNCTION IF EXISTS {DatabaseSchemas.Private}.maintain_session_counters();
            """);
    }

    /// <summary>
    /// Keeps <paramref name="counterColumn"/> of <paramref name="parentTable"/> equal to the number of rows of
    /// <paramref name="childTable"/> whose <paramref name="parentKeyColumn"/> points at it, whoever writes the children
    /// (for children scaffolded by <c>domain scaffold entity</c>). As with the session counters, the function is
    /// SECURITY DEFINER (callers hold no grant on the counter) and the trigger is deferred to commit, so EF's own
    /// update of the parent in the same transaction sees the row version it read.
    /// </summary>
    public static void CreateChildCounterTrigger(
        this MigrationBuilder migrationBuilder, string childTable, string parentKeyColumn, string parentTable, string counterColumn)
    {
        migrationBuilder.Sql($$"""
            CREATE FUNCTION {{DatabaseSchemas.Private}}.count_{{childTable}}() RETURNS trigger
            LANGUAGE plpgsql
            SECURITY DEFINER
            SET search_path = ''
            AS $fn$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    UPDATE {{DatabaseSchemas.Public}}.{{parentTable}} SET {{counterColumn}} = {{counterColumn}} + 1 WHERE id = NEW.{{parentKeyColumn}};
                    RETURN NEW;
                END IF;

                UPDATE {{DatabaseSchemas.Public}}.{{parentTable}} SET {{counterColumn}} = {{counterColumn}} - 1 WHERE id = OLD.{{parentKeyColumn}};
                RETURN OLD;
            END
            $fn$;
            REVOKE ALL ON FUNCTION {{DatabaseSchemas.Private}}.count_{{childTable}}() FROM PUBLIC;

            CREATE CONSTRAINT TRIGGER trg_{{childTable}}_count AFTER INSERT OR DELETE ON {{DatabaseSchemas.Public}}.{{childTable}}
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {{DatabaseSchemas.Private}}.count_{{childTable}}();
            """);
    }

    /// <summary>Reverses <see cref="CreateChildCounterTrigger"/>.</summary>
    public static void DropChildCounterTrigger(this MigrationBuilder migrationBuilder, string childTable)
    {
        migrationBuilder.Sql($"""
            DROP TRIGGER IF EXISTS trg_{childTable}_count ON {DatabaseSchemas.Public}.{childTable};
            DROP FUNCTION IF EXISTS {DatabaseSchemas.Private}.count_{childTable}();
            """);
    }
}
