using Domain.Files;
using Domain.Persistence.Auditing;
using Domain.Persistence.Files;
using Domain.Persistence.RowLevelSecurity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Domain.Persistence.EntityConfigurations.Files;

internal sealed class StoredFileConfiguration : IEntityTypeConfiguration<StoredFile>
{
    public void Configure(EntityTypeBuilder<StoredFile> builder)
    {
        builder.ToTable("files", t =>
        {
            t.HasCheckConstraint("ck_files_size_bytes", $"size_bytes between 0 and {FileLimits.MaxSizeBytes}");
            t.HasCheckConstraint("ck_files_sha256", $"sha256 ~ '{FileLimits.Sha256Pattern}'");
            t.HasCheckConstraint("ck_files_mime_type", $"mime_type ~ '{FileLimits.MimeTypePattern}'");
            t.HasCheckConstraint("ck_files_original_name_length", $"char_length(original_name) between 1 and {FileLimits.OriginalNameMaxLength}");
            t.HasCheckConstraint("ck_files_storage_path", "storage_path <> '' and left(storage_path, 1) <> '/'");
            t.HasCheckConstraint("ck_files_metadata_object", "jsonb_typeof(metadata) = 'object'");
            t.HasCheckConstraint("ck_files_access_count", "access_count >= 0");
        });

        // Owners register files and move their status (a trigger guards the moves and queues the deletion jobs); they
        // never delete a row (that would lose track of the bytes) nor write the access counters, the status times or
        // the owner.
        builder.HasRowLevelSecurity(rls => rls
            .OwnedBy(f => f.UserId)
            .Commands(RowCommands.Select | RowCommands.Insert | RowCommands.Update)
            .InsertColumns(f => new
            {
                f.Id, f.UserId, f.StoragePath, f.OriginalName, f.MimeType, f.SizeBytes, f.Sha256, f.FileType, f.Status, f.IsCopy, f.Metadata,
                f.CreatedAt,
            })
            .UpdateColumns(f => new { f.Status, f.Metadata, f.UpdatedAt }));

        // An access flush moves the counters and the last access, and updated_at is the trigger's: none of them is an
        // edit of the file, so a flush writes no entry. The status times stay in: the status trigger sets them in the
        // same update as the status, so they say when a move happened without ever making an entry of their own.
        builder.IsAudited(audit => audit.Excluding(f => new { f.AccessCount, f.LastAccessedAt, f.UpdatedAt }));

        builder.HasKey(f => f.Id);
        builder.Property(f => f.Id).HasDefaultValueSql("gen_random_uuid()").ValueGeneratedNever();
        builder.HasAlternateKey(f => new { f.Id, f.UserId });

        builder.Property(f => f.StoragePath).HasMaxLength(FileLimits.StoragePathMaxLength);
        builder.Property(f => f.OriginalName).HasMaxLength(FileLimits.OriginalNameMaxLength);
        builder.Property(f => f.MimeType).HasMaxLength(FileLimits.MimeTypeMaxLength);
        builder.Property(f => f.Sha256).HasMaxLength(FileLimits.Sha256Length);
        builder.Property(f => f.Metadata).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb");
        builder.Property(f => f.IsCopy).HasDefaultValue(false);
        builder.Property(f => f.CreatedAt).HasDefaultValueSql("now()");
        builder.Ignore(f => f.IsAvailable);

        builder.Property(f => f.AccessCount).MaintainedByDatabase(defaultValueSql: "0");
        builder.Property(f => f.LastAccessedAt).MaintainedByDatabase(defaultValueSql: "null");
        builder.Property(f => f.ReadyAt).MaintainedByDatabase(defaultValueSql: "null");
        builder.Property(f => f.DeletionRequestedAt).MaintainedByDatabase(defaultValueSql: "null");
        builder.Property(f => f.DeletedAt).MaintainedByDatabase(defaultValueSql: "null");
        builder.Property(f => f.UpdatedAt).TouchedByChildChanges(defaultValueSql: "now()");

        builder.Property<uint>(EntityConfigurationExtensions.RowVersion).IsRowVersion();

        builder.HasIndex(f => new { f.UserId, f.CreatedAt, f.Id })
            .IsDescending(false, true, true)
            .HasDatabaseName("ix_files_user_id_created_at");
        builder.HasIndex(f => f.StoragePath).IsUnique().HasFilter("status <> 'deleted'").HasDatabaseName(FileIndexes.StoragePath);
        // Two indexes on the same columns, so each is named: every file of a user by content (finding a duplicate, copies
        // included), and the unique one that keeps one original per content among files in use.
        builder.HasIndex(f => new { f.UserId, f.Sha256 }, "ix_files_user_id_sha256").HasDatabaseName("ix_files_user_id_sha256");
        builder.HasIndex(f => new { f.UserId, f.Sha256 }, FileIndexes.OriginalContent).IsUnique()
            .HasFilter("status in ('uploaded', 'ready') and not is_copy")
            .HasDatabaseName(FileIndexes.OriginalContent);
        builder.HasIndex(f => new { f.Status, f.CreatedAt }).HasFilter("status in ('uploaded', 'ready')")
            .HasDatabaseName("ix_files_status_created_at");

        builder.HasMany(f => f.ProviderUploads).WithOne()
            .HasForeignKey(u => new { u.FileId, u.UserId })
            .HasPrincipalKey(f => new { f.Id, f.UserId })
            .OnDelete(DeleteBehavior.Cascade);
    }
}
