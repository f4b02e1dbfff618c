using Domain.Persistence.Auditing;
using Domain.Persistence.RowLevelSecurity;
using Domain.Sessions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Domain.Persistence.EntityConfigurations.Sessions;

internal sealed class SessionConfiguration : IEntityTypeConfiguration<Session>
{
    public void Configure(EntityTypeBuilder<Session> builder)
    {
        builder.ToTable("sessions", t =>
        {
            t.HasCheckConstraint("ck_sessions_title_length", $"char_length(title) between 1 and {SessionLimits.TitleMaxLength}");
            t.HasCheckConstraint("ck_sessions_counters_non_negative", "revision_count >= 0 and draft_count >= 0 and hole_count >= 0");
            t.HasCheckConstraint("ck_sessions_revision_numbers", "last_revision_number >= revision_count");
            t.HasCheckConstraint("ck_sessions_metadata_object", "jsonb_typeof(metadata) = 'object'");
            t.HasCheckConstraint("ck_sessions_current_ir_object", "current_ir is null or jsonb_typeof(current_ir) = 'object'");
            t.HasCheckConstraint(
                "ck_sessions_status_timestamps",
                "(status = 'active' and finalized_at is null and archived_at is null)"
                + " or (status = 'finalized' and finalized_at is not null and archived_at is null)"
                + " or (status = 'archived' and archived_at is not null)");
        });

        // Counters, updated_at (triggers) and the owner are never written by callers.
        builder.HasRowLevelSecurity(rls => rls
            .OwnedBy(s => s.UserId)
            .Commands(RowCommands.All)
            .InsertColumns(s => new
            {
                s.Id, s.UserId, s.Title, s.Description, s.Status, s.CurrentIr, s.Metadata, s.LastRevisionNumber, s.CreatedAt,
                s.FinalizedAt, s.ArchivedAt,
            })
            .UpdateColumns(s => new
            {
                s.Title, s.Description, s.Status, s.CurrentIr, s.Metadata, s.LastRevisionNumber, s.FinalizedAt, s.ArchivedAt, s.UpdatedAt,
            }));

        // What the database keeps by itself is not an edit: the counters, the numbers handed out, updated_at.
        builder.IsAudited(audit => audit.Excluding(s => new { s.RevisionCount, s.DraftCount, s.HoleCount, s.LastRevisionNumber, s.UpdatedAt }));

        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).HasDefaultValueSql("gen_random_uuid()").ValueGeneratedNever();

        // The owner-carrying key that every child references: a child can only hang under a parent of its own user.
        builder.HasAlternateKey(s => new { s.Id, s.UserId });

        builder.Property(s => s.Title).HasMaxLength(SessionLimits.TitleMaxLength);
        builder.Property(s => s.Description).HasMaxLength(SessionLimits.DescriptionMaxLength);
        builder.Property(s => s.CurrentIr).HasColumnType("jsonb");
        builder.Property(s => s.Metadata).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb");
        builder.Property(s => s.CreatedAt).HasDefaultValueSql("now()");

        builder.Property(s => s.RevisionCount).MaintainedByDatabase(defaultValueSql: "0");
        builder.Property(s => s.DraftCount).MaintainedByDatabase(defaultValueSql: "0");
        builder.Property(s => s.HoleCount).MaintainedByDatabase(defaultValueSql: "0");
        builder.Property(s => s.UpdatedAt).TouchedByChildChanges(defaultValueSql: "now()");

        builder.Property<uint>(EntityConfigurationExtensions.RowVersion).IsRowVersion();

        builder.HasIndex(s => new { s.UserId, s.CreatedAt, s.Id })
            .IsDescending(false, true, true)
            .HasDatabaseName("ix_sessions_user_id_created_at");
        builder.HasIndex(s => s.Metadata).HasMethod("gin").HasOperators("jsonb_path_ops");

        builder.HasMany(s => s.Revisions).WithOne()
            .HasForeignKey(r => new { r.SessionId, r.UserId })
            .HasPrincipalKey(s => new { s.Id, s.UserId })
            .OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(s => s.Drafts).WithOne()
            .HasForeignKey(d => new { d.SessionId, d.UserId })
            .HasPrincipalKey(s => new { s.Id, s.UserId })
            .OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(s => s.HoleResolutions).WithOne()
            .HasForeignKey(h => new { h.SessionId, h.UserId })
            .HasPrincipalKey(s => new { s.Id, s.UserId })
            .OnDelete(DeleteBehavior.Cascade);
    }
}
