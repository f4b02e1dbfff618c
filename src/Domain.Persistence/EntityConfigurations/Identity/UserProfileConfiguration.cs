using Domain.Identity;
using Domain.Persistence.Auditing;
using Domain.Persistence.RowLevelSecurity;
using Domain.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Domain.Persistence.EntityConfigurations.Identity;

/// <summary>
/// <c>user_profiles</c>: one row per <c>auth.users</c> row, keyed by its id. The database creates the row when the auth
/// user is created (a trigger on <c>auth.users</c>, written by the migration with the key to <c>auth.users</c> that
/// removes the row with the user), so nobody inserts or deletes profiles; users update only what they edit.
/// </summary>
internal sealed class UserProfileConfiguration : IEntityTypeConfiguration<UserProfile>
{
    public void Configure(EntityTypeBuilder<UserProfile> builder)
    {
        builder.ToTable("user_profiles", t =>
        {
            t.HasCheckConstraint(
                "ck_user_profiles_display_name_length",
                $"display_name is null or char_length(display_name) between 1 and {IdentityLimits.DisplayNameMaxLength}");
            t.HasCheckConstraint("ck_user_profiles_avatar_url", "avatar_url is null or avatar_url ~* '^https?://[^[:space:]]+$'");
            t.HasCheckConstraint("ck_user_profiles_preferences_object", "jsonb_typeof(preferences) = 'object'");
            t.HasCheckConstraint(
                "ck_user_profiles_monthly_limits",
                "(monthly_token_limit is null or monthly_token_limit >= 0) and (monthly_cost_limit_usd is null or monthly_cost_limit_usd >= 0)");
        });

        // Users (and admins, for their own profile) change only what they edit: never their role or their limits.
        builder.HasRowLevelSecurity(rls => rls
            .OwnedBy(p => p.UserId)
            .Commands(RowCommands.Select | RowCommands.Update)
            .UpdateColumns(p => new { p.DisplayName, p.AvatarUrl, p.Preferences }));
        builder.IsAudited(audit => audit.Excluding(p => new { p.UpdatedAt }));

        builder.HasKey(p => p.UserId);
        builder.Property(p => p.UserId).ValueGeneratedNever();
        builder.Property(p => p.DisplayName).HasMaxLength(IdentityLimits.DisplayNameMaxLength);
        builder.Property(p => p.AvatarUrl).HasMaxLength(IdentityLimits.AvatarUrlMaxLength);
        builder.Property(p => p.Preferences).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb");
        builder.Property(p => p.Role).HasDefaultValue(UserRole.User).HasSentinel((UserRole)(-1));
        builder.Property(p => p.MonthlyCostLimitUsd).HasPrecision(UsageLimits.CostPrecision, UsageLimits.CostScale);
        builder.Property(p => p.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(p => p.UpdatedAt).MaintainedByDatabase(defaultValueSql: "now()");
        builder.Ignore(p => p.MonthlyLimits);

        builder.Property<uint>(EntityConfigurationExtensions.RowVersion).IsRowVersion();

        // Admins page through every profile, newest first.
        builder.HasIndex(p => new { p.CreatedAt, p.UserId }).IsDescending(true, true).HasDatabaseName("ix_user_profiles_created_at");
    }
}
