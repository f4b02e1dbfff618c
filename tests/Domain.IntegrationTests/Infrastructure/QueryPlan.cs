using System.Text.Json;
using Npgsql;

namespace Domain.IntegrationTests.Infrastructure;

/// <summary>One node of an executed plan that reads a table: how, through which index, and how many rows it touched.</summary>
/// <param name="NodeType">Seq Scan, Index Scan, Index Only Scan, Bitmap Heap Scan, …</param>
/// <param name="Index">The index it used (for a bitmap heap scan, that of its bitmap index scan), or null.</param>
/// <param name="IndexCondition">The index condition, or null.</param>
/// <param name="Rows">Rows it returned, over all its loops.</param>
/// <param name="RemovedByFilter">Rows it read and dropped (by a filter or an index recheck), over all its loops.</param>
public sealed record TableScan(string NodeType, string? Index, string? IndexCondition, long Rows, long RemovedByFilter)
{
    /// <summary>Every row the scan read from the table.</summary>
    public long RowsRead => Rows + RemovedByFilter;
}

/// <summary>
/// An executed plan (<c>EXPLAIN (ANALYZE, FORMAT JSON)</c>) reduced to what the plan tests assert on: which scans read
/// a table and how many rows each read. Never timings.
/// </summary>
public sealed class QueryPlan
{
    private QueryPlan(string json, IReadOnlyList<(string Table, TableScan Scan)> scans)
    {
        Json = json;
        Scans = scans;
    }

    /// <summary>The plan as PostgreSQL wrote it, for failure messages.</summary>
    public string Json { get; }

    public IReadOnlyList<(string Table, TableScan Scan)> Scans { get; }

    /// <summary>The scans of <paramref name="table"/>.</summary>
    public IReadOnlyList<TableScan> ScansOf(string table) => [.. Scans.Where(s => s.Table == table).Select(s => s.Scan)];

    /// <summary>Every row the plan read from <paramref name="table"/>, returned or dropped.</summary>
    public long RowsReadFrom(string table) => ScansOf(table).Sum(s => s.RowsRead);

    /// <summary>
    /// Runs <c>EXPLAIN (ANALYZE, FORMAT JSON)</c> of <paramref name="sql"/> with <paramref name="parameters"/> inside
    /// <paramref name="transaction"/>, which already acts for the caller (its claims and role set).
    /// </summary>
    public static async Task<QueryPlan> ExplainAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, IEnumerable<NpgsqlParameter>? parameters = null)
    {
        await using var command = new NpgsqlCommand("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, connection, transaction);
        foreach (var parameter in parameters ?? [])
        {
            command.Parameters.Add(parameter);
        }

        var json = (string)(await command.ExecuteScalarAsync())!;
        using var document = JsonDocument.Parse(json);
        var scans = new List<(string, TableScan)>();
        Collect(document.RootElement[0].GetProperty("Plan"), scans);
        return new QueryPlan(json, scans);
    }

    private static void Collect(JsonElement node, List<(string, TableScan)> scans)
    {
        if (node.TryGetProperty("Relation Name", out var relation))
        {
            var bitmapIndex = node.TryGetProperty("Plans", out var children)
                ? children.EnumerateArray().FirstOrDefault(c => c.GetProperty("Node Type").GetString() == "Bitmap Index Scan")
                : default;
            var indexSource = bitmapIndex.ValueKind == JsonValueKind.Object ? bitmapIndex : node;
            var loops = Number(node, "Actual Loops");
            scans.Add((relation.GetString()!, new TableScan(
                node.GetProperty("Node Type").GetString()!,
                Text(indexSource, "Index Name"),
                Text(indexSource, "Index Cond"),
                Number(node, "Actual Rows") * loops,
                (Number(node, "Rows Removed by Filter") + Number(node, "Rows Removed by Index Recheck")) * loops)));
        }

        if (node.TryGetProperty("Plans", out var plans))
        {
            foreach (var child in plans.EnumerateArray())
            {
                Collect(child, scans);
            }
        }
    }

    private static string? Text(JsonElement node, string name) => node.TryGetProperty(name, out var value) ? value.GetString() : null;

    private static long Number(JsonElement node, string name) => node.TryGetProperty(name, out var value) ? (long)value.GetDouble() : 0;
}
