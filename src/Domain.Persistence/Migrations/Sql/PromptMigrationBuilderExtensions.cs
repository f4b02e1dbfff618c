using Microsoft.EntityFrameworkCore.Migrations;

namespace Domain.Persistence.Migrations.Sql;

/// <summary>The SystemPrompt aggregate's SQL: the catalog version that caches of the active prompts poll.</summary>
public static class PromptMigrationBuilderExtensions
{
    /// <summary>
    /// <c>domain_private.prompt_catalog_version</c>: one row whose <c>version</c> goes up by one in every transaction
    /// that writes <c>system_prompts</c> (an activation, a rollback, a new prompt or version, a delete) or changes an
    /// existing <c>prompt_versions</c> row, whoever writes (the layer, psql, a REST client). A process caching active
    /// prompts polls it, one primary-key read, and drops what it cached when the value moved.
    /// </summary>
    /// <remarks>
    /// The row is locked by the writing statement until its transaction ends, so values become visible in commit order:
    /// a poll that sees version n has seen every catalog change committed before n was written. (A sequence or a
    /// timestamp would not do: a transaction that took a lower value can commit after one that took a higher one, and a
    /// poll between the two commits would miss it for ever.) Catalog writers therefore commit one after the other; they
    /// are administrators' actions, not the hot path. Statement-level triggers, so a bulk write counts once. The function
    /// is SECURITY DEFINER because admins write prompts but may not write this table; nobody may call it directly.
    /// Only the backend (service role) reads the table.
    /// </remarks>
    public static void CreatePromptCatalogVersion(this MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql($$"""
            CREATE TABLE {{DatabaseSchemas.Private}}.prompt_catalog_version (
                singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
                version bigint NOT NULL DEFAULT 0 CHECK (version >= 0));
            INSERT INTO {{DatabaseSchemas.Private}}.prompt_catalog_version (singleton, version) VALUES (true, 0);
            REVOKE ALL ON TABLE {{DatabaseSchemas.Private}}.prompt_catalog_version FROM PUBLIC;
            GRANT SELECT ON TABLE {{DatabaseSchemas.Private}}.prompt_catalog_version TO service_role;

            CREATE FUNCTION {{DatabaseSchemas.Private}}.advance_prompt_catalog_version() RETURNS trigger
            LANGUAGE plpgsql
            SECURITY DEFINER
            SET search_path = ''
            AS $fn$
            BEGIN
                UPDATE {{DatabaseSchemas.Private}}.prompt_catalog_version SET version = version + 1;
                RETURN NULL;
            END
            $fn$;
            REVOKE ALL ON FUNCTION {{DatabaseSchemas.Private}}.advance_prompt_catalog_version() FROM PUBLIC;

            CREATE TRIGGER trg_system_prompts_catalog_version
            AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {{DatabaseSchemas.Public}}.system_prompts
            FOR EACH STATEMENT EXECUTE FUNCTION {{DatabaseSchemas.Private}}.advance_prompt_catalog_version();
            CREATE TRIGGER trg_prompt_versions_catalog_version
            AFTER UPDATE OR DELETE OR TRUNCATE ON {{DatabaseSchemas.Public}}.prompt_versions
            FOR EACH STATEMENT EXECUTE FUNCTION {{DatabaseSchemas.Private}}.advance_prompt_catalog_version();
            """);
    }

    /// <summary>
    /// The key that makes a prompt's active version one of its own versions, checked at commit
    /// (<c>DEFERRABLE INITIALLY DEFERRED</c>): a new prompt and its first, active version reference each other, so in
    /// one transaction both rows exist only by the end. ON DELETE NO ACTION: the active version cannot be removed,
    /// except with its prompt.
    /// </summary>
    public static void AddActiveVersionForeignKey(this MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql($"""
            ALTER TABLE {DatabaseSchemas.Public}.system_prompts
                ADD CONSTRAINT fk_system_prompts_active_version FOREIGN KEY (id, active_version_number)
                REFERENCES {DatabaseSchemas.Public}.prompt_versions (prompt_id, version_number)
                DEFERRABLE INITIALLY DEFERRED;
            """);
    }

    /// <summary>Reverses <see cref="AddActiveVersionForeignKey"/>.</summary>
    public static void DropActiveVersionForeignKey(this MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql($"ALTER TABLE {DatabaseSchemas.Public}.system_prompts DROP CONSTRAINT IF EXISTS fk_system_prompts_active_version;");
    }

    /// <summary>Reverses <see cref="CreatePromptCatalogVersion"/>.</summary>
    public static void DropPromptCatalogVersion(this MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql($"""
            DROP TRIGGER IF EXISTS trg_prompt_versions_catalog_version ON {DatabaseSchemas.Public}.prompt_versions;
            DROP TRIGGER IF EXISTS trg_system_prompts_catalog_version ON {DatabaseSchemas.Public}.system_prompts;
            DROP FUNCTION IF EXISTS {DatabaseSchemas.Private}.advance_prompt_catalog_version();
            DROP TABLE IF EXISTS {DatabaseSchemas.Private}.prompt_catalog_version;
            """);
    }
}
