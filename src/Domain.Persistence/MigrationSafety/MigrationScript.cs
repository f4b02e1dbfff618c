using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Domain.Persistence.MigrationSafety;

/// <summary>
/// The SQL of one migration: the commands the context's migrations SQL generator writes for its Up and for its Down,
/// exactly as a run (bundle, <c>domain migrate</c>, <c>dotnet ef database update</c>) executes them, without the
/// history-table row EF adds after them. It is what a migration's frozen SQL holds and what the migration log's
/// checksum is taken of, so the two always agree.
/// </summary>
/// <param name="MigrationId">The migration's id.</param>
/// <param name="Up">The SQL applying the migration runs, commands joined by a line feed.</param>
/// <param name="Down">The SQL reverting it runs, commands joined by a line feed.</param>
public sealed record MigrationScript(string MigrationId, string Up, string Down)
{
    /// <summary>SHA-256 of <see cref="Up"/> (UTF-8, lower-case hex): what the migration log records when the migration is applied.</summary>
    public string Checksum => ChecksumOf(Up);

    /// <summary>
    /// The text of the commands EF generated for one direction of a migration, without the last one: EF ends every
    /// migration's commands with the insert into (or delete from) the history table, which is bookkeeping, and names
    /// the EF version that runs it.
    /// </summary>
    internal static string TextOf(IReadOnlyList<MigrationCommand> commands)
    {
        if (commands.Count == 0 || !commands[^1].CommandText.Contains(DatabaseSchemas.MigrationsHistoryTable, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                "EF no longer ends a migration's commands with its history-table row; MigrationScript must learn where that row is.");
        }

        return string.Join("\n", commands.Take(commands.Count - 1).Select(c => c.CommandText));
    }

    internal static string ChecksumOf(string sql) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql)));
}
