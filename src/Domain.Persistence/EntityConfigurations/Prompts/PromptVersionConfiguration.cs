using Domain.Persistence.Auditing;
using Domain.Persistence.Prompts;
using Domain.Persistence.RowLevelSecurity;
using Domain.Prompts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Domain.Persistence.EntityConfigurations.Prompts;

internal sealed class PromptVersionConfiguration : IEntityTypeConfiguration<PromptVersion>
{
    public void Configure(EntityTypeBuilder<PromptVersion> builder)
    {
        builder.ToTable("prompt_versions", t =>
        {
            t.HasCheckConstraint("ck_prompt_versions_number_positive", "version_number >= 1");
            t.HasCheckConstraint("ck_prompt_versions_content_length", $"char_length(content) between 1 and {PromptLimits.ContentMaxLength}");

            // Whoever writes a version (psql included), its hash is its content's.
            t.HasCheckConstraint("ck_prompt_versions_content_hash", "content_hash = encode(sha256(convert_to(content, 'UTF8')), 'hex')");
        });

        // Versions are history: admins publish and read them, every signed-in caller reads them; nobody changes one.
        builder.HasRowLevelSecurity(rls => rls.SharedReferenceData().Commands(RowCommands.AppendOnly));

        // Who published which content, and any change the backend or psql makes to a version after the fact.
        builder.IsAudited();

        builder.HasKey(v => v.Id);
        builder.Property(v => v.Id).HasDefaultValueSql("gen_random_uuid()").ValueGeneratedNever();
        builder.Property(v => v.ContentHash).HasMaxLength(PromptLimits.ContentHashLength);
        builder.Property(v => v.Notes).HasMaxLength(PromptLimits.NotesMaxLength);
        builder.Property(v => v.CreatedAt).HasDefaultValueSql("now()");

        builder.HasAlternateKey(v => new { v.PromptId, v.VersionNumber }).HasName(OrdinalIndexes.PromptVersionNumber);
        builder.HasIndex(v => new { v.PromptId, v.ContentHash }).IsUnique().HasDatabaseName(PromptIndexes.ContentHash);
    }
}
