using Microsoft.EntityFrameworkCore.Migrations;

namespace Domain.Persistence.Migrations.Sql;

/// <summary>
/// The StoredFile aggregate's triggers and the deletion queue's privileges. The triggers keep, for every writer (.NET,
/// a Supabase client, psql), the rules that must not depend on the caller: a file's status moves only forward
/// (<c>Domain.Files.FileStatusTransitions</c>), requesting a file's deletion queues one job per place it lives in within
/// the same transaction, a copy cannot be recorded on a file being deleted, and a file becomes deleted when, and only
/// when, every one of its jobs has succeeded. Functions that touch the queue or another table run as their owner
/// (SECURITY DEFINER, search path empty, no EXECUTE for callers): callers have no grant on the queue.
/// </summary>
public static class FileMigrationBuilderExtensions
{
    private const string Private = DatabaseSchemas.Private;
    private const string Public = DatabaseSchemas.Public;
    private const string Queue = $"{DatabaseSchemas.Operations}.file_deletion_jobs";

    /// <summary>
    /// Creates the triggers of <c>files</c>, <c>provider_file_uploads</c> and the deletion queue, and the <c>updated_at</c>
    /// triggers of <c>files</c> (not fired by an access flush, which changes only the access columns) and of the queue.
    /// </summary>
    public static void CreateFileTriggers(this MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql($$"""
            CREATE FUNCTION {{Private}}.guard_file_status() RETURNS trigger
            LANGUAGE plpgsql
            SECURITY DEFINER
            SET search_path = ''
            AS $fn$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    IF NEW.status NOT IN ('uploaded', 'ready') THEN
                        RAISE EXCEPTION 'A file is registered uploaded or ready, not %.', NEW.status
                            USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_files_status_transition', SCHEMA = '{{Public}}', TABLE = 'files';
                    END IF;
                    NEW.ready_at := CASE WHEN NEW.status = 'ready' THEN now() END;
                    NEW.deletion_requested_at := NULL;
                    NEW.deleted_at := NULL;
                    RETURN NEW;
                END IF;

                IF NEW.status = OLD.status THEN
                    RETURN NEW;
                END IF;

                IF (OLD.status, NEW.status) NOT IN (('uploaded', 'ready'), ('uploaded', 'deleting'), ('ready', 'deleting'), ('deleting', 'deleted')) THEN
                    RAISE EXCEPTION 'File % cannot go from % to %: a file goes uploaded, ready, deleting, deleted.', OLD.id, OLD.status, NEW.status
                        USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_files_status_transition', SCHEMA = '{{Public}}', TABLE = 'files';
                END IF;

                IF NEW.status = 'deleted' AND EXISTS (SELECT FROM {{Queue}} j WHERE j.file_id = OLD.id AND j.status <> 'succeeded') THEN
                    RAISE EXCEPTION 'File % is not removed everywhere yet: not every one of its deletion jobs has succeeded.', OLD.id
                        USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_files_status_transition', SCHEMA = '{{Public}}', TABLE = 'files';
                END IF;

                IF NEW.status = 'ready' THEN
                    NEW.ready_at := now();
                ELSIF NEW.status = 'deleting' THEN
                    NEW.deletion_requested_at := now();
                ELSIF NEW.status = 'deleted' THEN
                    NEW.deleted_at := now();
                END IF;
                RETURN NEW;
            END
            $fn$;
            REVOKE ALL ON FUNCTION {{Private}}.guard_file_status() FROM PUBLIC;

            CREATE FUNCTION {{Private}}.queue_file_deletion() RETURNS trigger
            LANGUAGE plpgsql
            SECURITY DEFINER
            SET search_path = ''
            AS $fn$
            DECLARE
                f {{Public}}.files;
            BEGIN
                IF TG_OP = 'DELETE' THEN
                    f := OLD;
                ELSE
                    f := NEW;
                END IF;

                IF f.status <> 'deleted' THEN
                    INSERT INTO {{Queue}} (file_id, user_id, location, target)
                    VALUES (f.id, f.user_id, 'storage', f.storage_path)
                    ON CONFLICT DO NOTHING;

                    INSERT INTO {{Queue}} (file_id, user_id, location, provider, provider_upload_id, target)
                    SELECT u.file_id, u.user_id, 'provider', u.provider, u.id, u.provider_file_id
                      FROM {{Public}}.provider_file_uploads u
                     WHERE u.file_id = f.id AND u.status <> 'deleted'
                    ON CONFLICT DO NOTHING;
                END IF;

                IF TG_OP = 'DELETE' THEN
                    RETURN OLD;
                END IF;

                UPDATE {{Public}}.provider_file_uploads SET status = 'deleting' WHERE file_id = f.id AND status = 'active';
                RETURN NEW;
            END
            $fn$;
            REVOKE ALL ON FUNCTION {{Private}}.queue_file_deletion() FROM PUBLIC;

            CREATE FUNCTION {{Private}}.guard_provider_upload() RETURNS trigger
            LANGUAGE plpgsql
            SECURITY DEFINER
            SET search_path = ''
            AS $fn$
            DECLARE
                file_status {{Public}}.file_status;
            BEGIN
                IF NEW.status <> 'active' THEN
                    RAISE EXCEPTION 'A provider upload is recorded active, not %.', NEW.status
                        USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_provider_file_uploads_recorded_active',
                              SCHEMA = '{{Public}}', TABLE = 'provider_file_uploads';
                END IF;

                -- FOR SHARE waits for a deletion request in progress on the file, then reads the status it committed; the
                -- copy is then refused instead of escaping the jobs that request queued. (A file of another user is not
                -- found here, and the foreign key refuses the row.)
                SELECT f.status INTO file_status FROM {{Public}}.files f WHERE f.id = NEW.file_id AND f.user_id = NEW.user_id FOR SHARE;
                IF file_status IN ('deleting', 'deleted') THEN
                    RAISE EXCEPTION 'File % is %: a copy recorded now would escape its deletion.', NEW.file_id, file_status
                        USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_provider_file_uploads_file_in_use',
                              SCHEMA = '{{Public}}', TABLE = 'provider_file_uploads';
                END IF;

                RETURN NEW;
            END
            $fn$;
            REVOKE ALL ON FUNCTION {{Private}}.guard_provider_upload() FROM PUBLIC;

            CREATE FUNCTION {{Private}}.finish_file_deletion() RETURNS trigger
            LANGUAGE plpgsql
            SECURITY DEFINER
            SET search_path = ''
            AS $fn$
            BEGIN
                -- The file's row before its copy's, the order every path that locks both takes. Two jobs of one file that
                -- finish together queue here; the second then sees the first's commit, so the last one marks the file.
                PERFORM 1 FROM {{Public}}.files WHERE id = NEW.file_id FOR NO KEY UPDATE;
                IF NEW.provider_upload_id IS NOT NULL THEN
                    UPDATE {{Public}}.provider_file_uploads SET status = 'deleted', deleted_at = now()
                     WHERE id = NEW.provider_upload_id AND status <> 'deleted';
                END IF;

                UPDATE {{Public}}.files SET status = 'deleted'
                 WHERE id = NEW.file_id AND status = 'deleting'
                   AND NOT EXISTS (SELECT FROM {{Queue}} j WHERE j.file_id = NEW.file_id AND j.status <> 'succeeded');
                RETURN NEW;
            END
            $fn$;
            REVOKE ALL ON FUNCTION {{Private}}.finish_file_deletion() FROM PUBLIC;

            CREATE TRIGGER trg_files_status BEFORE INSERT OR UPDATE OF status ON {{Public}}.files
            FOR EACH ROW EXECUTE FUNCTION {{Private}}.guard_file_status();
            CREATE TRIGGER trg_files_queue_deletion AFTER UPDATE OF status ON {{Public}}.files
            FOR EACH ROW WHEN (NEW.status = 'deleting' AND OLD.status <> 'deleting') EXECUTE FUNCTION {{Private}}.queue_file_deletion();
            CREATE TRIGGER trg_files_queue_deletion_on_delete BEFORE DELETE ON {{Public}}.files
            FOR EACH ROW EXECUTE FUNCTION {{Private}}.queue_file_deletion();
            CREATE TRIGGER trg_files_updated_at BEFORE UPDATE ON {{Public}}.files
            FOR EACH ROW WHEN (OLD.access_count = NEW.access_count) EXECUTE FUNCTION {{Private}}.set_updated_at();
            CREATE TRIGGER trg_provider_file_uploads_file_in_use BEFORE INSERT ON {{Public}}.provider_file_uploads
            FOR EACH ROW EXECUTE FUNCTION {{Private}}.guard_provider_upload();
            CREATE TRIGGER trg_file_deletion_jobs_finish AFTER UPDATE OF status ON {{Queue}}
            FOR EACH ROW WHEN (NEW.status = 'succeeded' AND OLD.status <> 'succeeded') EXECUTE FUNCTION {{Private}}.finish_file_deletion();
            CREATE TRIGGER trg_file_deletion_jobs_updated_at BEFORE UPDATE ON {{Queue}}
            FOR EACH ROW EXECUTE FUNCTION {{Private}}.set_updated_at();
            """);
    }

    /// <summary>Reverses <see cref="CreateFileTriggers"/>.</summary>
    public static void DropFileTriggers(this MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql($"""
            DROP TRIGGER IF EXISTS trg_file_deletion_jobs_updated_at ON {Queue};
            DROP TRIGGER IF EXISTS trg_file_deletion_jobs_finish ON {Queue};
            DROP TRIGGER IF EXISTS trg_provider_file_uploads_file_in_use ON {Public}.provider_file_uploads;
            DROP TRIGGER IF EXISTS trg_files_updated_at ON {Public}.files;
            DROP TRIGGER IF EXISTS trg_files_queue_deletion_on_delete ON {Public}.files;
            DROP TRIGGER IF EXISTS trg_files_queue_deletion ON {Public}.files;
            DROP TRIGGER IF EXISTS trg_files_status ON {Public}.files;
            DROP FUNCTION IF EXISTS {Private}.finish_file_deletion();
            DROP FUNCTION IF EXISTS {Private}.guard_provider_upload();
            DROP FUNCTION IF EXISTS {Private}.queue_file_deletion();
            DROP FUNCTION IF EXISTS {Private}.guard_file_status();
            """);
    }

    /// <summary>
    /// The deletion queue is the backend's: the service role may read it and update its jobs (claim, finish, retry);
    /// nobody else has any grant, and rows come only from the triggers.
    /// </summary>
    public static void GrantDeletionQueueToServiceRole(this MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql($"""
            GRANT USAGE ON SCHEMA {DatabaseSchemas.Operations} TO service_role;
            REVOKE ALL ON TABLE {Queue} FROM PUBLIC;
            GRANT SELECT, UPDATE ON TABLE {Queue} TO service_role;
            """);
    }

    /// <summary>Reverses <see cref="GrantDeletionQueueToServiceRole"/>.</summary>
    public static void RevokeDeletionQueueFromServiceRole(this MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql($"""
            REVOKE ALL ON TABLE {Queue} FROM service_role;
            REVOKE USAGE ON SCHEMA {DatabaseSchemas.Operations} FROM service_role;
            """);
    }
}
