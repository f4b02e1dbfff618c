using Domain.Auditing;
using Domain.Persistence.RowLevelSecurity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Domain.Persistence.EntityConfigurations.Auditing;

/// <summary>
/// <c>audit_logs</c>: what the audit triggers write (see <c>IsAudited</c>), and nothing else. No role may insert, update
/// or delete (the triggers' functions write as the table's owner); a statement trigger the migration writes refuses
/// UPDATE, DELETE and TRUNCATE even to the owner. Owners read the entries about their rows, admins read all.
/// </summary>
internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("audit_logs", t =>
        {
            t.HasCheckConstraint("ck_audit_logs_row", "(operation = 'truncate') = (row_id is null)");
            t.HasCheckConstraint(
                "ck_audit_logs_values",
                "(operation = 'insert' and old_values is null and new_values is not null)"
                + " or (operation = 'update' and old_values is not null and new_values is not null)"
                + " or (operation = 'delete' and old_values is not null and new_values is null)"
                + " or (operation = 'truncate' and old_values is null and new_values is null)");
        });

        builder.HasRowLevelSecurity(rls => rls.LedgerOwnedBy(a => a.OwnerId).AppendedOnlyByTriggers());

        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).UseIdentityAlwaysColumn();
        builder.Property(a => a.OccurredAt).HasDefaultValueSql("now()");
        builder.Property(a => a.TransactionId).HasDefaultValueSql("txid_current()");
        builder.Property(a => a.OldValues).HasColumnType("jsonb");
        builder.Property(a => a.NewValues).HasColumnType("jsonb");

        // The entries about a user's rows, newest first (what the owner's policy reads), and one row's history.
        builder.HasIndex(a => new { a.OwnerId, a.Id }).IsDescending(false, true).HasDatabaseName("ix_audit_logs_owner_id_id");
        builder.HasIndex(a => new { a.TableName, a.RowId, a.Id }).HasDatabaseName("ix_audit_logs_table_name_row_id_id");
    }
}
