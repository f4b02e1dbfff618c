namespace Domain.Persistence;

/// <summary>
/// Schemas of this project. <c>public</c> is the one Supabase exposes over its API; nothing that is only for
/// operators lives there.
/// </summary>
public static class DatabaseSchemas
{
    /// <summary>Tables and views the application and the API roles use.</summary>
    public const string Public = "public";

    /// <summary>Our functions: the request-context procedure for SQL clients and trigger functions. Not exposed by the API.</summary>
    public const string Private = "domain_private";

    /// <summary>
    /// Operator-only tables: the EF migrations history, the migration log and the file deletion queue (which only the
    /// service role may use).
    /// </summary>
    public const string Operations = "domain_ops";

    public const string MigrationsHistoryTable = "__EFMigrationsHistory";
}
