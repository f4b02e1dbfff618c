using Domain.Conversations;
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

    public static void Declare(ModelBuilder modelBuilder)
    {
        modelBuilder.HasPostgresEnum<SessionStatus>(DatabaseSchemas.Public, SessionStatus);
        modelBuilder.HasPostgresEnum<MessageRole>(DatabaseSchemas.Public, MessageRole);
    }

    public static void Map(NpgsqlDbContextOptionsBuilder npgsql)
    {
        npgsql.MapEnum<SessionStatus>(SessionStatus, DatabaseSchemas.Public);
        npgsql.MapEnum<MessageRole>(MessageRole, DatabaseSchemas.Public);
    }
}
