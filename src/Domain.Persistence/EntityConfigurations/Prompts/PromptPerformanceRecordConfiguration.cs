using Domain.Persistence.RowLevelSecurity;
using Domain.Prompts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Domain.Persistence.EntityConfigurations.Prompts;

/// <summary>
/// <c>prompt_performance</c>: an append-only ledger written in batches, like <c>usage_logs</c>. No key to
/// <c>auth.users</c> (records outlive their user, as usage does); the key to the version is kept, since a record of an
/// unknown version measures nothing, and records go with their version.
/// </summary>
internal sealed class PromptPerformanceRecordConfiguration : IEntityTypeConfiguration<PromptPerformanceRecord>
{
    public void Configure(EntityTypeBuilder<PromptPerformanceRecord> builder)
    {
        builder.ToTable("prompt_performance", t =>
        {
            t.HasCheckConstraint("ck_prompt_performance_tokens", "token_count >= 0");
            t.HasCheckConstraint("ck_prompt_performance_latency", "latency_ms >= 0");
            t.HasCheckConstraint(
                "ck_prompt_performance_quality_score",
                $"quality_score is null or quality_score between {PromptLimits.MinQualityScore} and {PromptLimits.MaxQualityScore}");
            t.HasCheckConstraint("ck_prompt_performance_error_on_failure", "error_message is null or not succeeded");
        });

        // A record belongs to the user whose call it measured: the backend appends, owners read their own, admins all.
        builder.HasRowLevelSecurity(rls => rls.LedgerOwnedBy(r => r.UserId));

        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).HasDefaultValueSql("gen_random_uuid()").ValueGeneratedNever();
        builder.Property(r => r.ErrorMessage).HasMaxLength(PromptLimits.ErrorMessageMaxLength);
        builder.Property(r => r.OccurredAt).HasDefaultValueSql("now()");

        builder.HasIndex(r => new { r.UserId, r.OccurredAt }).HasDatabaseName("ix_prompt_performance_user_id_occurred_at");
        builder.HasIndex(r => new { r.PromptVersionId, r.OccurredAt }).HasDatabaseName("ix_prompt_performance_prompt_version_id_occurred_at");

        builder.HasOne<PromptVersion>().WithMany()
            .HasForeignKey(r => r.PromptVersionId)
            .OnDelete(DeleteBehavior.Cascade);
    }
}
