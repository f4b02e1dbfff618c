using Domain.Persistence.RowLevelSecurity;
using Domain.Sessions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Domain.Persistence.EntityConfigurations.Sessions;

internal sealed class HoleResolutionConfiguration : IEntityTypeConfiguration<HoleResolution>
{
    public void Configure(EntityTypeBuilder<HoleResolution> builder)
    {
        builder.ToTable("hole_resolutions", t =>
        {
            t.HasCheckConstraint(
                "ck_hole_resolutions_confidence_range",
                $"confidence >= {SessionLimits.MinConfidence:0.0} and confidence <= {SessionLimits.MaxConfidence:0.0}");
            t.HasCheckConstraint("ck_hole_resolutions_hole_id", $"hole_id ~ '{SessionLimits.HoleIdPattern}'");
        });

        builder.HasRowLevelSecurity(rls => rls
            .OwnedBy(h => h.UserId)
            .Commands(RowCommands.All)
            .UpdateColumns(h => new { h.ResolutionValue, h.Confidence, h.ResolvedAt }));

        builder.HasKey(h => h.Id);
        builder.Property(h => h.Id).HasDefaultValueSql("gen_random_uuid()").ValueGeneratedNever();
        builder.Property(h => h.HoleId).HasMaxLength(SessionLimits.HoleIdMaxLength);
        builder.Property(h => h.ResolutionValue).HasColumnType("jsonb");
        builder.Property(h => h.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(h => h.ResolvedAt).HasDefaultValueSql("now()");

        builder.HasIndex(h => new { h.SessionId, h.HoleId }).IsUnique();
        builder.HasIndex(h => new { h.SessionId, h.UserId });
        builder.HasIndex(h => h.UserId);
    }
}
