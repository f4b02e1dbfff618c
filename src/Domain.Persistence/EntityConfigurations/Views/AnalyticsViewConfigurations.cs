using Domain.Persistence.Views;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Domain.Persistence.EntityConfigurations.Views;

// The analytics views as keyless, read-only query types. The views are created by migrations (security_invoker, so
// the caller's RLS applies to what they read); EF never creates or changes them. A test compares each view's columns
// with its mapped type.

internal sealed class SessionSummaryRowConfiguration : IEntityTypeConfiguration<SessionSummaryRow>
{
    public void Configure(EntityTypeBuilder<SessionSummaryRow> builder) => builder.HasNoKey().ToView("session_summary");
}

internal sealed class UserAnalyticsRowConfiguration : IEntityTypeConfiguration<UserAnalyticsRow>
{
    public void Configure(EntityTypeBuilder<UserAnalyticsRow> builder) => builder.HasNoKey().ToView("user_analytics");
}

internal sealed class RecentActivityRowConfiguration : IEntityTypeConfiguration<RecentActivityRow>
{
    public void Configure(EntityTypeBuilder<RecentActivityRow> builder) => builder.HasNoKey().ToView("recent_activity");
}

internal sealed class DraftValidationStatsRowConfiguration : IEntityTypeConfiguration<DraftValidationStatsRow>
{
    public void Configure(EntityTypeBuilder<DraftValidationStatsRow> builder) => builder.HasNoKey().ToView("draft_validation_stats");
}

internal sealed class ConversationSummaryRowConfiguration : IEntityTypeConfiguration<ConversationSummaryRow>
{
    public void Configure(EntityTypeBuilder<ConversationSummaryRow> builder) => builder.HasNoKey().ToView("conversation_summary");
}

internal sealed class UserUsageSummaryRowConfiguration : IEntityTypeConfiguration<UserUsageSummaryRow>
{
    public void Configure(EntityTypeBuilder<UserUsageSummaryRow> builder) => builder.HasNoKey().ToView("user_usage_summary");
}

internal sealed class PromptVersionResultRowConfiguration : IEntityTypeConfiguration<PromptVersionResultRow>
{
    public void Configure(EntityTypeBuilder<PromptVersionResultRow> builder) => builder.HasNoKey().ToView("prompt_version_results");
}
