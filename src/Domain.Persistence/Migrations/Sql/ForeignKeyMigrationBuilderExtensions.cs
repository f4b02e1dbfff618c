using Microsoft.EntityFrameworkCore.Migrations;

namespace Domain.Persistence.Migrations.Sql;

/// <summary>Foreign-key behaviour EF cannot express.</summary>
public static class ForeignKeyMigrationBuilderExtensions
{
    /// <summary>
    /// Makes an owner-carrying foreign key (<c>(parent_id, user_id)</c>) set only <paramref name="nullColumn"/> to null when
    /// the parent row is deleted (PostgreSQL's <c>ON DELETE SET NULL (column)</c>): EF would null every column of the key,
    /// and <c>user_id</c> may not be null. The child row stays, detached from the deleted parent.
    /// </summary>
    public static void SetColumnNullOnParentDelete(
        this MigrationBuilder migrationBuilder, string table, string constraint, string[] columns, string principalTable, string nullColumn)
        => Replace(migrationBuilder, table, constraint, columns, principalTable, $" ON DELETE SET NULL ({nullColumn})");

    /// <summary>Reverses <see cref="SetColumnNullOnParentDelete"/>: the key refuses to let the parent go while children point at it.</summary>
    public static void RestoreNoActionOnParentDelete(
        this MigrationBuilder migrationBuilder, string table, string constraint, string[] columns, string principalTable)
        => Replace(migrationBuilder, table, constraint, columns, principalTable, onDelete: string.Empty);

    private static void Replace(MigrationBuilder migrationBuilder, string table, string constraint, string[] columns, string principalTable, string onDelete)
    {
        migrationBuilder.Sql($"""
            ALTER TABLE {DatabaseSchemas.Public}.{table}
                DROP CONSTRAINT {constraint},
                ADD CONSTRAINT {constraint} FOREIGN KEY ({string.Join(", ", columns)})
                    REFERENCES {DatabaseSchemas.Public}.{principalTable} (id, user_id){onDelete};
            """);
    }
}
