using Domain.Persistence;
using Domain.Persistence.MigrationSafety;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace Domain.Cli.MigrationInspection;

/// <summary>One migration as the database knows it.</summary>
/// <param name="Id">The migration id.</param>
/// <param name="Applied">Whether the history table lists it.</param>
/// <param name="CurrentChecksum">The checksum of the migration as compiled now (<see cref="MigrationScript.Checksum"/>).</param>
/// <param name="AppliedChecksum">The checksum logged when it was applied, if the log has it.</param>
/// <param name="LastStatus">The newest log status of this migration, if any.</param>
internal sealed record MigrationState(string Id, bool Applied, string CurrentChecksum, string? AppliedChecksum, MigrationLogStatus? LastStatus)
{
    /// <summary>Applied, and its code changed since: Flyway's <c>validate</c> failure, which EF itself cannot see.</summary>
    public bool EditedSinceApplied => Applied && AppliedChecksum is not null && !string.Equals(AppliedChecksum, CurrentChecksum, StringComparison.Ordinal);
}

/// <summary>A difference between the model and the live schema.</summary>
internal sealed record SchemaDrift(string Table, string? Column, string Problem);

/// <summary>What <c>domain status</c> reports.</summary>
internal sealed record MigrationStatusReport(IReadOnlyList<MigrationState> Migrations, IReadOnlyList<SchemaDrift> Drift, bool ModelHasPendingChanges)
{
    public IEnumerable<MigrationState> Pending => Migrations.Where(m => !m.Applied);

    public IEnumerable<MigrationState> Edited => Migrations.Where(m => m.EditedSinceApplied);

    /// <summary>No pending migration, no edited migration, no drift, and the model matches the migrations.</summary>
    public bool IsClean => !Pending.Any() && !Edited.Any() && Drift.Count == 0 && !ModelHasPendingChanges;
}

/// <summary>Reads the state of a database's migrations and compares its schema with the model.</summary>
internal static class MigrationStatus
{
    public static async Task<MigrationStatusReport> ReadAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        await using var context = MigrationsDbContextFactory.Create(connectionString);
        var migrator = (LockingLoggingMigrator)context.GetService<IMigrator>();
        var applied = (await context.Database.GetAppliedMigrationsAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var logged = await LastLoggedAsync(connectionString, cancellationToken);

        var migrations = context.Database.GetMigrations()
            .Select(id =>
            {
                logged.TryGetValue(id, out var log);
                return new MigrationState(id, applied.Contains(id), migrator.ScriptOf(id).Checksum, log.Checksum, log.Status);
            })
            .ToList();

        var drift = applied.Count == 0 ? [] : await FindDriftAsync(context, connectionString, cancellationToken);
        return new MigrationStatusReport(migrations, drift, context.Database.HasPendingModelChanges());
    }

    private static async Task<Dictionary<string, (string? Checksum, MigrationLogStatus? Status)>> LastLoggedAsync(
        string connectionString, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, (string?, MigrationLogStatus?)>(StringComparer.Ordinal);
        foreach (var entry in (await MigrationLogReader.ReadAsync(connectionString, 10_000, cancellationToken)).Reverse())
        {
            var checksum = entry is { Direction: MigrationLog.Up, Status: MigrationLogStatus.Completed } ? entry.Checksum : result.GetValueOrDefault(entry.MigrationId).Item1;
            result[entry.MigrationId] = (checksum, entry.Status);
        }

        return result;
    }

    private static async Task<IReadOnlyList<SchemaDrift>> FindDriftAsync(DbContext context, string connectionString, CancellationToken cancellationToken)
    {
        var live = new Dictionary<(string Table, string Column), (string Type, bool Nullable)>();
        var liveTables = new HashSet<string>(StringComparer.Ordinal);
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(
                """
                SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull
                  FROM pg_class c
                  JOIN pg_namespace n ON n.oid = c.relnamespace
                  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                 WHERE n.nspname = @schema AND c.relkind IN ('r', 'p')
                """, connection);
            command.Parameters.AddWithValue("schema", DatabaseSchemas.Public);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                liveTables.Add(reader.GetString(0));
                live[(reader.GetString(0), reader.GetString(1))] = (reader.GetString(2), reader.GetBoolean(3));
            }
        }

        var drift = new List<SchemaDrift>();
        var modelTables = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entity in context.GetService<IDesignTimeModel>().Model.GetEntityTypes())
        {
            var table = entity.GetTableName();
            if (table is null || entity.GetSchema() is { } schema && schema != DatabaseSchemas.Public)
            {
                continue;
            }

            modelTables.Add(table);
            if (!liveTables.Contains(table))
            {
                drift.Add(new SchemaDrift(table, null, "table is in the model but not in the database"));
                continue;
            }

            var store = StoreObjectIdentifier.Table(table, entity.GetSchema());
            foreach (var property in entity.GetProperties())
            {
                var column = property.GetColumnName(store);
                if (column is null || column == "xmin")
                {
                    continue;
                }

                if (!live.TryGetValue((table, column), out var actual))
                {
                    drift.Add(new SchemaDrift(table, column, "column is in the model but not in the database"));
                    continue;
                }

                var expected = property.GetColumnType(store);
                if (!SameType(expected, actual.Type))
                {
                    drift.Add(new SchemaDrift(table, column, $"type is {actual.Type}, the model says {expected}"));
                }

                if (actual.Nullable != property.IsColumnNullable(store))
                {
                    drift.Add(new SchemaDrift(table, column, actual.Nullable ? "is nullable, the model says NOT NULL" : "is NOT NULL, the model says nullable"));
                }
            }

            foreach (var (key, _) in live.Where(l => l.Key.Table == table))
            {
                if (!entity.GetProperties().Any(p => p.GetColumnName(store) == key.Column))
                {
                    drift.Add(new SchemaDrift(table, key.Column, "column is in the database but not in the model"));
                }
            }
        }

        drift.AddRange(liveTables.Where(t => !modelTables.Contains(t)).Select(t => new SchemaDrift(t, null, "table is in the database but not in the model")));
        return drift;
    }

    private static bool SameType(string expected, string actual)
    {
        static string Normalize(string type) => type.Replace("public.", string.Empty, StringComparison.Ordinal).Trim().ToLowerInvariant();
        return Normalize(expected) == Normalize(actual);
    }
}
