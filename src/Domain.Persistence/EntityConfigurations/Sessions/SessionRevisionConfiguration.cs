using Domain.Persistence.RowLevelSecurity;
using Domain.Sessions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Domain.Persistence.EntityConfigurations.Sessions;

internal sealed class SessionRevisionConfiguration : IEntityTypeConfiguration<SessionRevision>
{
    public void Configure(EntityTypeBuilder<SessionRevision> builder)
    {
        builder.ToTable("session_revisions", t =>
        {
            t.HasCheckConstraint("ck_session_revisions_number_positive", "revision_number >= 1");
            t.HasCheckConstraint("ck_session_revisions_ir_object", "jsonb_typeof(ir) = 'object'");
        });

        // Revisions are history: owners add and read them; they go only with their session.
        builder.HasRowLevelSecurity(rls => rls.OwnedBy(r => r.UserId).Commands(RowCommands.AppendOnly));

        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).HasDefaultValueSql("gen_random_uuid()").ValueGeneratedNever();
        builder.Property(r => r.Ir).HasColumnType("jsonb");
        builder.Property(r => r.ChangeSummary).HasMaxLength(SessionLimits.ChangeSummaryMaxLength);
        builder.Property(r => r.CreatedAt).HasDefaultValueSql("now()");

        builder.HasIndex(r => new { r.SessionId, r.RevisionNumber }).IsUnique().HasDatabaseName(OrdinalIndexes.SessionRevisionNumber);
        builder.HasIndex(r => new { r.SessionId, r.UserId });
        builder.HasIndex(r => r.UserId);
    }
}
