using Domain.Auditing;
using Domain.Conversations;
using Domain.Identity;
using Domain.Files;
using Domain.Sessions;
using Microsoft.EntityFrameworkCore;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;

namespace Domain.Persistence;

/// <summary>
/// The model's closed sets stored as PostgreSQL enums: each declared once here, both in the EF model (so migrations
/// create the type) and in the Npgsql mapping (so values travel as the enum).
/// </summary>
internal static class PostgresEnums
{
    public const string SessionStatus = "session_status";
    public const string MessageRole = "message_role";
    public const string UserRole = "user_role";
    public const string AuditOperation = "audit_operation";
    public const string FileStatus = "file_status";
    public const string FileType = "file_type";
    public const string ProviderUploadStatus = "provider_upload_status";

    /// <summary>The deletion queue's types live with the queue, outside the schema the API exposes.</summary>
    public const string FileLocation = "file_location";

    public const string FileDeletionJobStatus = "file_deletion_job_status";

    public static void Declare(ModelBuilder modelBuilder)
    {
        modelBuilder.HasPostgresEnum<SessionStatus>(DatabaseSchemas.Public, SessionStatus);
        modelBuilder.HasPostgresEnum<MessageRole>(DatabaseSchemas.Public, MessageRole);
        modelBuilder.HasPostgresEnum<UserRole>(DatabaseSchemas.Public, UserRole);
        modelBuilder.HasPostgresEnum<AuditOperation>(DatabaseSchemas.Public, AuditOperation);
        modelBuilder.HasPostgresEnum<FileStatus>(DatabaseSchemas.Public, FileStatus);
        modelBuilder.HasPostgresEnum<FileType>(DatabaseSchemas.Public, FileType);
        modelBuilder.HasPostgresEnum<ProviderUploadStatus>(DatabaseSchemas.Public, ProviderUploadStatus);
        modelBuilder.HasPostgresEnum<FileLocation>(DatabaseSchemas.Operations, FileLocation);
        modelBuilder.HasPostgresEnum<FileDeletionJobStatus>(DatabaseSchemas.Operations, FileDeletionJobStatus);
    }

    public static void Map(NpgsqlDbContextOptionsBuilder npgsql)
    {
        npgsql.MapEnum<SessionStatus>(SessionStatus, DatabaseSchemas.Public);
        npgsql.MapEnum<MessageRole>(MessageRole, DatabaseSchemas.Public);
        npgsql.MapEnum<UserRole>(UserRole, DatabaseSchemas.Public);
        npgsql.MapEnum<AuditOperation>(AuditOperation, DatabaseSchemas.Public);
        npgsql.MapEnum<FileStatus>(FileStatus, DatabaseSchemas.Public);
        npgsql.MapEnum<FileType>(FileType, DatabaseSchemas.Public);
        npgsql.MapEnum<ProviderUploadStatus>(ProviderUploadStatus, DatabaseSchemas.Public);
        npgsql.MapEnum<FileLocation>(FileLocation, DatabaseSchemas.Operations);
        npgsql.MapEnum<FileDeletionJobStatus>(FileDeletionJobStatus, DatabaseSchemas.Operations);
    }
}
