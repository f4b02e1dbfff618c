using Domain.Persistence.RowLevelSecurity;
using Domain.Sessions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Domain.Persistence.EntityConfigurations.Sessions;

internal sealed class SessionDraftConfiguration : IEntityTypeConfiguration<SessionDraft>
{
    public void Configure(EntityTypeBuilder<SessionDraft> builder)
    {
        builder.ToTable("session_drafts", t =>
        {
            t.HasCheckConstraint("ck_session_drafts_revision_positive", "revision_number >= 1");
            t.HasCheckConstraint("ck_session_drafts_language", $"language ~ '{SessionLimits.LanguagePattern}'");
            t.HasCheckConstraint("ck_session_drafts_code_not_empty", "char_length(code) > 0");
        });

        builder.HasRowLevelSecurity(rls => rls
            .OwnedBy(d => d.UserId)
            .Commands(RowCommands.All)
            .UpdateColumns(d => new { d.IsValid, d.ValidationDetails }));

        builder.HasKey(d => d.Id);
        builder.Property(d => d.Id).HasDefaultValueSql("gen_random_uuid()").ValueGeneratedNever();
        builder.Property(d => d.Language).HasMaxLength(SessionLimits.LanguageMaxLength);
        builder.Property(d => d.ValidationDetails).HasColumnType("jsonb");
        builder.Property(d => d.CreatedAt).HasDefaultValueSql("now()");

        builder.HasIndex(d => new { d.SessionId, d.UserId, d.CreatedAt });
        builder.HasIndex(d => new { d.UserId, d.Language, d.IsValid });
    }
}
