using Npgsql;

namespace Domain.Persistence;

/// <summary>
/// Resolves the connection string migrations and the command-line tool use: given, or from the environment, and turned
/// from the <c>postgres://</c> URI form Supabase and Heroku hand out into a keyword connection string.
/// </summary>
public static class ConnectionStringResolver
{
    /// <summary>The environment variable of the .NET configuration key <c>ConnectionStrings:Domain</c>.</summary>
    public const string ConnectionStringVariable = "ConnectionStrings__Domain";

    /// <summary>A URI such as <c>postgresql://user:password@host:5432/db</c>.</summary>
    public const string DatabaseUrlVariable = "DATABASE_URL";

    /// <summary>
    /// <paramref name="explicitConnection"/> if given, else <c>ConnectionStrings__Domain</c>, else <c>DATABASE_URL</c>
    /// converted from URI form; null when none is set.
    /// </summary>
    public static string? Resolve(string? explicitConnection)
    {
        if (!string.IsNullOrWhiteSpace(explicitConnection))
        {
            return Normalize(explicitConnection);
        }

        var configured = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Normalize(configured);
        }

        var url = Environment.GetEnvironmentVariable(DatabaseUrlVariable);
        return string.IsNullOrWhiteSpace(url) ? null : Normalize(url);
    }

    /// <summary>Accepts either a keyword connection string or a <c>postgres(ql)://</c> URI.</summary>
    public static string Normalize(string connection)
    {
        if (!connection.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            && !connection.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return connection;
        }

        if (!Uri.TryCreate(connection, UriKind.Absolute, out var uri))
        {
            throw new InvalidOperationException("DATABASE_URL is not a valid URI.");
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
        };
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2)
            {
                builder.Password = Uri.UnescapeDataString(parts[1]);
            }
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0]);
            var value = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : string.Empty;
            if (string.Equals(key, "sslmode", StringComparison.OrdinalIgnoreCase))
            {
                builder.SslMode = Enum.Parse<SslMode>(value, ignoreCase: true);
            }
            else
            {
                builder[key] = value;
            }
        }

        return builder.ConnectionString;
    }
}
