using Domain.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Domain.AspNetCore.Health;

/// <summary>
/// The database is reachable with the application's connection, and every migration this build ships is applied.
/// Reads the migration history as the login role itself (no claims): the role needs
/// <c>USAGE</c> on schema <c>domain_ops</c> and <c>SELECT</c> on its <c>__EFMigrationsHistory</c>, which nothing else
/// of the schema requires (on Supabase: grant them to <c>authenticator</c>).
/// </summary>
internal sealed class DatabaseHealthCheck(DomainDbContextFactory contexts) : IHealthCheck
{
    private static readonly string HistorySql =
        $"SELECT * FROM {DatabaseSchemas.Operations}.\"{DatabaseSchemas.MigrationsHistoryTable}\"";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        string connectionString;
        List<string> shipped;
        await using (var db = contexts.AsAnon())
        {
            connectionString = db.Database.GetConnectionString()!;
            shipped = [.. db.Database.GetMigrations()];
        }

        var applied = new List<string>();
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(HistorySql, connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetString(0));
            }
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return HealthCheckResult.Unhealthy($"The database has no migration history: no migration is applied ({shipped.Count} ship with this build).");
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InsufficientPrivilege)
        {
            return HealthCheckResult.Unhealthy(
                $"The database answers, but the login role may not read the migration history: GRANT USAGE ON SCHEMA {DatabaseSchemas.Operations} "
                + $"and SELECT ON {DatabaseSchemas.Operations}.\"{DatabaseSchemas.MigrationsHistoryTable}\" to it.", ex);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("The database cannot be reached.", ex);
        }

        var data = new Dictionary<string, object> { ["applied"] = applied.Count, ["shipped"] = shipped.Count };
        var pending = shipped.Except(applied, StringComparer.Ordinal).ToList();
        if (pending.Count > 0)
        {
            return HealthCheckResult.Unhealthy($"Migrations not applied: {string.Join(", ", pending)}.", data: data);
        }

        var unknown = applied.Except(shipped, StringComparer.Ordinal).ToList();
        return unknown.Count > 0
            ? HealthCheckResult.Degraded($"The database has migrations this build does not know (a newer build applied them): {string.Join(", ", unknown)}.", data: data)
            : HealthCheckResult.Healthy($"Reachable; all {shipped.Count} migrations applied.", data);
    }
}
