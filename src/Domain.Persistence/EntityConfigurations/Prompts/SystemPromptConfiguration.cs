using Domain.Persistence.Auditing;
using Domain.Persistence.Prompts;
using Domain.Persistence.RowLevelSecurity;
using Domain.Prompts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Domain.Persistence.EntityConfigurations.Prompts;

internal sealed class SystemPromptConfiguration : IEntityTypeConfiguration<SystemPrompt>
{
    public void Configure(EntityTypeBuilder<SystemPrompt> builder)
    {
        builder.ToTable("system_prompts", t =>
        {
            t.HasCheckConstraint("ck_system_prompts_tool_name_length", $"char_length(tool_name) between 1 and {PromptLimits.ToolNameMaxLength}");
            t.HasCheckConstraint("ck_system_prompts_provider_length", $"char_length(provider) between 1 and {PromptLimits.ProviderMaxLength}");
            t.HasCheckConstraint("ck_system_prompts_tier", $"tier between {PromptLimits.MinTier} and {PromptLimits.MaxTier}");
            t.HasCheckConstraint(
                "ck_system_prompts_active_version",
                "(active_version_number is null) = (activated_at is null)"
                + " and (active_version_number is null or active_version_number between 1 and last_version_number)");
        });

        // Shared reference data: every signed-in caller reads prompts, admins publish and activate (never delete: the
        // history stays), anon reads nothing, the backend does everything. updated_at is the trigger's.
        builder.HasRowLevelSecurity(rls => rls
            .SharedReferenceData()
            .Commands(RowCommands.Select | RowCommands.Insert | RowCommands.Update)
            .InsertColumns(p => new
            {
                p.Id, p.ToolName, p.Provider, p.Tier, p.Description, p.ActiveVersionNumber, p.ActivatedAt, p.LastVersionNumber, p.CreatedAt,
            })
            .UpdateColumns(p => new { p.Tier, p.Description, p.ActiveVersionNumber, p.ActivatedAt, p.LastVersionNumber, p.UpdatedAt }));

        // Nobody owns a prompt, so its entries have no owner: admins and the backend read them. Publishing a version
        // hands out its number (last_version_number) and touches updated_at; the version's own insert is the entry, as a
        // session's revisions are, so those two are left out. An activation or a rollback is an entry.
        builder.IsAudited(audit => audit.Excluding(p => new { p.LastVersionNumber, p.UpdatedAt }));

        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).HasDefaultValueSql("gen_random_uuid()").ValueGeneratedNever();
        builder.Property(p => p.ToolName).HasMaxLength(PromptLimits.ToolNameMaxLength);
        builder.Property(p => p.Provider).HasMaxLength(PromptLimits.ProviderMaxLength);
        builder.Property(p => p.Description).HasMaxLength(PromptLimits.DescriptionMaxLength);
        builder.Property(p => p.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(p => p.UpdatedAt).TouchedByChildChanges(defaultValueSql: "now()");

        // Concurrent activations of one prompt all change this row: the first to commit wins, the others fail the check.
        builder.Property<uint>(EntityConfigurationExtensions.RowVersion).IsRowVersion();

        builder.HasIndex(p => new { p.ToolName, p.Provider }).IsUnique().HasDatabaseName(PromptIndexes.ToolAndProvider);

        builder.HasMany(p => p.Versions).WithOne()
            .HasForeignKey(v => v.PromptId)
            .OnDelete(DeleteBehavior.Cascade);

        // The active version is one column, so a prompt cannot have two. The key (id, active_version_number) ->
        // prompt_versions (prompt_id, version_number) makes it one of the prompt's own versions and keeps the active
        // version from being removed. The migration writes that key DEFERRABLE INITIALLY DEFERRED
        // (AddActiveVersionForeignKey), which EF cannot express, and it is left out of the model: a new prompt and the
        // first version it activates reference each other, a cycle EF refuses to order, while PostgreSQL checks a
        // deferred key at commit, when both rows are there. This index serves the key.
        builder.HasIndex(p => new { p.Id, p.ActiveVersionNumber }).HasDatabaseName("ix_system_prompts_id_active_version_number");
    }
}
