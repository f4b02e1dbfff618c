using Domain.Persistence;
using Domain.Persistence.Errors;
using Domain.Persistence.Rls;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Domain.IntegrationTests.Infrastructure;

/// <summary>Raw SQL sent as a caller (through a context, so with the caller's claims and role), as an API client could send it.</summary>
public static class SqlAsCaller
{
    /// <summary>Rows affected, or null when the database refused the statement for lack of a privilege (42501).</summary>
    public static async Task<int?> TryExecuteAsync(this MigratedDatabase database, RlsClaims caller, string sql)
    {
        try
        {
            return await database.ExecuteAsync(caller, sql);
        }
        catch (RlsViolationException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            return null;
        }
    }

    public static async Task<int> ExecuteAsync(this MigratedDatabase database, RlsClaims caller, string sql)
    {
        await using var db = database.ContextFor(caller);

        // ExecuteSqlRaw reads braces as parameter placeholders; the statements here have no parameters but JSON.
        return await db.Database.ExecuteSqlRawAsync(sql.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal));
    }

    /// <summary>The distinct owners of the rows of <paramref name="table"/> the caller sees, in order.</summary>
    /// <remarks>The table name comes from a test's fixed list, never from input.</remarks>
    public static async Task<List<Guid>> UserIdsVisibleAsync(this MigratedDatabase database, RlsClaims caller, string table)
        => [.. (await database.QueryAsync<Guid>(caller, $"SELECT DISTINCT user_id AS \"Value\" FROM public.{table}")).Order()];

    /// <summary>The first column of every row <paramref name="sql"/> returns as the caller (the column named <c>"Value"</c>).</summary>
    public static async Task<List<T>> QueryAsync<T>(this MigratedDatabase database, RlsClaims caller, string sql)
    {
        await using var db = database.ContextFor(caller);
#pragma warning disable EF1002 // test SQL, built from constants
        return await db.Database.SqlQueryRaw<T>(sql).ToListAsync();
#pragma warning restore EF1002
    }

    /// <summary>
    /// The database's whole content as the superuser sees it (every row of every table in our schemas and in auth, as
    /// text), to prove a value is stored nowhere.
    /// </summary>
    public static async Task<string> EverythingStoredAsync(this MigratedDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.AdminConnectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
            """
            SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'p') AND n.nspname IN ('public', 'auth', 'domain_private', 'domain_ops')
            """,
            connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var everything = new System.Text.StringBuilder();
        foreach (var table in tables)
        {
            await using var dump = new NpgsqlCommand($"SELECT coalesce(string_agg(t::text, E'\\n'), '') FROM {table} t", connection);
            everything.AppendLine(table).AppendLine((string)(await dump.ExecuteScalarAsync())!);
        }

        return everything.ToString();
    }
}
