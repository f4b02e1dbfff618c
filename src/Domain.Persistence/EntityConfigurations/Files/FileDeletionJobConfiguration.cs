using Domain.Files;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Domain.Persistence.EntityConfigurations.Files;

/// <summary>
/// <c>domain_ops.file_deletion_jobs</c>: the deletion queue, backend work, outside the schema Supabase exposes. No API
/// role has a grant on it and it has no row-level security: only the service role (the workers) reads and updates it,
/// and only the database's triggers add to it. Jobs reference neither files nor copies by foreign key: a job must
/// outlive the row of the file it removes (a user's deletion removes their rows at once).
/// </summary>
internal sealed class FileDeletionJobConfiguration : IEntityTypeConfiguration<FileDeletionJob>
{
    public void Configure(EntityTypeBuilder<FileDeletionJob> builder)
    {
        builder.ToTable("file_deletion_jobs", DatabaseSchemas.Operations, t =>
        {
            t.HasCheckConstraint("ck_file_deletion_jobs_attempts", "attempts >= 0");
            t.HasCheckConstraint("ck_file_deletion_jobs_attempt_errors_array", "jsonb_typeof(attempt_errors) = 'array'");
            t.HasCheckConstraint(
                "ck_file_deletion_jobs_location",
                "(location = 'storage' and provider is null and provider_upload_id is null)"
                + " or (location = 'provider' and provider is not null and provider_upload_id is not null)");
            t.HasCheckConstraint("ck_file_deletion_jobs_lease", "status <> 'running' or (locked_by is not null and locked_until is not null)");
        });

        builder.HasKey(j => j.Id);
        builder.Property(j => j.Id).HasDefaultValueSql("gen_random_uuid()").ValueGeneratedNever();
        builder.Property(j => j.Provider).HasMaxLength(FileLimits.ProviderMaxLength);
        builder.Property(j => j.Target).HasMaxLength(Math.Max(FileLimits.StoragePathMaxLength, FileLimits.ProviderFileIdMaxLength));
        builder.Property(j => j.Status).HasDefaultValueSql($"'pending'::{DatabaseSchemas.Operations}.{PostgresEnums.FileDeletionJobStatus}");
        builder.Property(j => j.Attempts).HasDefaultValue(0);
        builder.Property(j => j.RunAfter).HasDefaultValueSql("now()");
        builder.Property(j => j.LockedBy).HasMaxLength(200);
        builder.Property(j => j.AttemptErrors).HasColumnType("jsonb").HasDefaultValueSql("'[]'::jsonb");
        builder.Property(j => j.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(j => j.UpdatedAt).HasDefaultValueSql("now()");

        // What workers claim: due pending jobs, and running jobs whose lease has expired.
        builder.HasIndex(j => j.RunAfter).HasFilter("status = 'pending'").HasDatabaseName("ix_file_deletion_jobs_pending");
        builder.HasIndex(j => j.LockedUntil).HasFilter("status = 'running'").HasDatabaseName("ix_file_deletion_jobs_running");

        // One job per place a file lives in, so queueing twice queues nothing more.
        builder.HasIndex(j => j.FileId).IsUnique().HasFilter("location = 'storage'").HasDatabaseName("ix_file_deletion_jobs_storage");
        builder.HasIndex(j => j.ProviderUploadId).IsUnique().HasFilter("provider_upload_id is not null")
            .HasDatabaseName("ix_file_deletion_jobs_provider_upload");
        builder.HasIndex(j => new { j.FileId, j.Status }).HasDatabaseName("ix_file_deletion_jobs_file_id_status");
    }
}
