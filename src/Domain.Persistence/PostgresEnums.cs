using Domain.Auditing;
using Domain.Conversations;
using Domain.Identity;
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

    public static void Declare(ModelBuilder modelBuilder)
    {
        modelBuilder.HasPostgresEnum<SessionStatus>(DatabaseSchemas.Public, SessionStatus);
        modelBuilder.HasPostgresEnum<MessageRole>(DatabaseSchemas.Public, MessageRole);
        modelBuilder.HasPostgresEnum<UserRole>(DatabaseSchemas.Public, UserRole);
        modelBuilder.HasPostgresEnum<AuditOperation>(DatabaseSchemas.Public, AuditOperation);
    }

    public static void Map(NpgsqlDbContextOptionsBuilder npgsql)
    {
        npgsql.MapEnum<SessionStatus>(SessionStatus, DatabaseSchemas.Public);
        npgsql.MapEnum<MessageRole>(MessageRole, DatabaseSchemas.Public);
        npgsql.MapEnum<UserRole>(UserRole, DatabaseSchemas.Public);
        npgsql.MapEnum<AuditOperation>(AuditOperation, DatabaseSchemas.Public);
    }
}
