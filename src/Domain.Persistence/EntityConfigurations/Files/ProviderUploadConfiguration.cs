using Domain.Files;
using Domain.Persistence.Files;
using Domain.Persistence.RowLevelSecurity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Domain.Persistence.EntityConfigurations.Files;

internal sealed class ProviderUploadConfiguration : IEntityTypeConfiguration<ProviderUpload>
{
    public void Configure(EntityTypeBuilder<ProviderUpload> builder)
    {
        builder.ToTable("provider_file_uploads", t =>
        {
            t.HasCheckConstraint(
                "ck_provider_file_uploads_provider", $"char_length(provider) between 1 and {FileLimits.ProviderMaxLength} and provider = lower(provider)");
            t.HasCheckConstraint("ck_provider_file_uploads_expires_after_creation", "expires_at is null or expires_at > created_at");
        });

        // Owners record the copies they made; only the deletion queue (as the service role, through triggers) changes a
        // copy's status, and a copy's row goes only with its file's.
        builder.HasRowLevelSecurity(rls => rls
            .OwnedBy(u => u.UserId)
            .Commands(RowCommands.AppendOnly)
            .InsertColumns(u => new { u.Id, u.FileId, u.UserId, u.Provider, u.ProviderFileId, u.Purpose, u.Status, u.ExpiresAt, u.CreatedAt }));

        builder.HasKey(u => u.Id);
        builder.Property(u => u.Id).HasDefaultValueSql("gen_random_uuid()").ValueGeneratedNever();
        builder.Property(u => u.Provider).HasMaxLength(FileLimits.ProviderMaxLength);
        builder.Property(u => u.ProviderFileId).HasMaxLength(FileLimits.ProviderFileIdMaxLength);
        builder.Property(u => u.Purpose).HasMaxLength(FileLimits.PurposeMaxLength);
        builder.Property(u => u.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(u => u.DeletedAt).MaintainedByDatabase(defaultValueSql: "null");

        // After the insert, a copy's status is the database's: the file's deletion request (its trigger) and the copy's
        // deletion job move it. EF never writes it back, so saving a file whose deletion the model requested writes
        // only the file's status (owners have no update grant on copies).
        builder.Property(u => u.Status).Metadata.SetAfterSaveBehavior(PropertySaveBehavior.Ignore);

        builder.HasIndex(u => new { u.Provider, u.ProviderFileId }).IsUnique().HasDatabaseName(FileIndexes.ProviderFileId);
        builder.HasIndex(u => new { u.FileId, u.UserId });
        builder.HasIndex(u => new { u.UserId, u.CreatedAt, u.Id })
            .IsDescending(false, true, true)
            .HasDatabaseName("ix_provider_file_uploads_user_id_created_at");
    }
}
