using System.Text.RegularExpressions;
using Domain.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Npgsql;

namespace Domain.Cli.MigrationInspection;

/// <summary>Something a rollback removes, with the rows it holds now when it is a table.</summary>
internal sealed record RollbackLoss(string MigrationId, string What, long? Rows);

/// <summary>What reverting to a target migration would do: which migrations it reverts and what their Downs drop.</summary>
internal sealed partial record RollbackPlan(string Target, IReadOnlyList<string> Reverted, IReadOnlyList<RollbackLoss> Losses)
{
    /// <summary>
    /// Plans the rollback of <paramref name="connectionString"/>'s database to <paramref name="target"/> (a migration
    /// id or name, or <c>0</c> for none) without changing anything.
    /// </summary>
    public static async Task<RollbackPlan> CreateAsync(string connectionString, string target, CancellationToken cancellationToken = default)
    {
        await using var context = MigrationsDbContextFactory.Create(connectionString);
        var assembly = context.GetService<IMigrationsAssembly>();
        var targetId = target == Migration.InitialDatabase ? target : assembly.GetMigrationId(target);
        var applied = (await context.Database.GetAppliedMigrationsAsync(cancellationToken)).ToList();
        if (targetId != Migration.InitialDatabase && !applied.Contains(targetId, StringComparer.Ordinal))
        {
            throw new InvalidOperationException($"Cannot roll back to {targetId}: it is not applied. Applied: {string.Join(", ", applied)}.");
        }

        var reverted = applied
            .Where(id => targetId == Migration.InitialDatabase || string.CompareOrdinal(id, targetId) > 0)
            .OrderDescending(StringComparer.Ordinal)
            .ToList();

        var provider = context.Database.ProviderName!;
        var losses = new List<RollbackLoss>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        foreach (var id in reverted)
        {
            var migration = assembly.CreateMigration(assembly.Migrations[id], provider);
            foreach (var operation in migration.DownOperations)
            {
                switch (operation)
                {
                    case DropTableOperation table:
                        losses.Add(new RollbackLoss(id, $"table {table.Schema ?? "public"}.{table.Name}",
                            await CountAsync(connection, table.Schema ?? "public", table.Name, cancellationToken)));
                        break;
                    case DropColumnOperation column:
                        losses.Add(new RollbackLoss(id, $"column {column.Schema ?? "public"}.{column.Table}.{column.Name}", null));
                        break;
                    case SqlOperation sql:
                        losses.AddRange(DropStatement().Matches(sql.Sql)
                            .Select(m => new RollbackLoss(id, WhitespaceRun().Replace(m.Groups["drop"].Value.Trim(), " "), null)));
                        break;
                }
            }
        }

        return new RollbackPlan(targetId, reverted, losses);
    }

    private static async Task<long?> CountAsync(NpgsqlConnection connection, string schema, string table, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT to_regclass(quote_ident(@schema) || '.' || quote_ident(@table)) IS NOT NULL", connection);
        command.Parameters.AddWithValue("schema", schema);
        command.Parameters.AddWithValue("table", table);
        if (!(bool)(await command.ExecuteScalarAsync(cancellationToken))!)
        {
            return null;
        }

        await using var count = new NpgsqlCommand($"SELECT count(*) FROM \"{schema}\".\"{table}\"", connection);
        return (long)(await count.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Statements that drop something holding data; policies, triggers and functions are left out of the report.</summary>
    [GeneratedRegex(@"(?:^|;|\bTHEN\b)\s*(?<drop>DROP\s+(TABLE|VIEW|TYPE|SCHEMA)\s+(IF\s+EXISTS\s+)?[^;(\n]+)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Multiline)]
    private static partial Regex DropStatement();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespaceRun();
}
