using Domain.Conversations;
using Domain.Persistence.RowLevelSecurity;
using Domain.Sessions;
using Domain.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Domain.Persistence.EntityConfigurations.Usage;

/// <summary>
/// <c>usage_logs</c>: an append-only ledger written in batches. It has no trigger and no foreign key to
/// <c>auth.users</c> (records outlive the user for billing, and a per-row key check would halve ingest). The keys to
/// the session or conversation a record was spent on are checked only for records that name one.
/// </summary>
internal sealed class UsageRecordConfiguration : IEntityTypeConfiguration<UsageRecord>
{
    public void Configure(EntityTypeBuilder<UsageRecord> builder)
    {
        builder.ToTable("usage_logs", t =>
        {
            t.HasCheckConstraint("ck_usage_logs_tokens", "input_tokens >= 0 and output_tokens >= 0");
            t.HasCheckConstraint("ck_usage_logs_cost", "cost_usd >= 0");
        });

        // Usage is metered by the backend (service role); a user reads their own and can neither write nor erase it.
        builder.HasRowLevelSecurity(rls => rls.LedgerOwnedBy(u => u.UserId));

        builder.HasKey(u => u.Id);
        builder.Property(u => u.Id).HasDefaultValueSql("gen_random_uuid()").ValueGeneratedNever();
        builder.Property(u => u.Service).HasMaxLength(UsageLimits.ServiceMaxLength);
        builder.Property(u => u.Operation).HasMaxLength(UsageLimits.OperationMaxLength);
        builder.Property(u => u.Model).HasMaxLength(UsageLimits.ModelMaxLength);
        builder.Property(u => u.CostUsd).HasPrecision(UsageLimits.CostPrecision, UsageLimits.CostScale);
        builder.Property(u => u.OccurredAt).HasDefaultValueSql("now()");

        builder.HasIndex(u => new { u.UserId, u.Service, u.OccurredAt }).HasDatabaseName("ix_usage_logs_user_id_service_occurred_at");

        // The monthly limit check sums a user's tokens and cost since the month began: an index-only scan of this
        // month's entries here, where the index above reads every entry of the user (its second column is the service)
        // and then each matching row from the table (docs/benchmarks.md, "Usage limits").
        builder.HasIndex(u => new { u.UserId, u.OccurredAt })
            .IncludeProperties(u => new { u.InputTokens, u.OutputTokens, u.CostUsd })
            .HasDatabaseName("ix_usage_logs_user_id_occurred_at");

        // The work a record was spent on, if any: the same owner's (the keys carry user_id). Deleting the session or the
        // conversation keeps the record and nulls only that column (ON DELETE SET NULL (column), written by the
        // migration): usage is billing history. The indexes are partial: most records name no work.
        builder.HasOne<Session>().WithMany()
            .HasForeignKey(u => new { u.SessionId, u.UserId })
            .HasPrincipalKey(s => new { s.Id, s.UserId })
            .OnDelete(DeleteBehavior.ClientSetNull);
        builder.HasOne<Conversation>().WithMany()
            .HasForeignKey(u => new { u.ConversationId, u.UserId })
            .HasPrincipalKey(c => new { c.Id, c.UserId })
            .OnDelete(DeleteBehavior.ClientSetNull);
        builder.HasIndex(u => new { u.SessionId, u.UserId }).HasFilter("session_id is not null");
        builder.HasIndex(u => new { u.ConversationId, u.UserId }).HasFilter("conversation_id is not null");
    }
}
