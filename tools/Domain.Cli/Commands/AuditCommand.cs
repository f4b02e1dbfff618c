using System.CommandLine;
using Domain.Application.Auditing;
using Domain.Application.Common;

namespace Domain.Cli.Commands;

/// <summary><c>domain audit history|recent</c>: the audit trail through <see cref="AuditTrail"/>, as the backend.</summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var table = new Option<string>("--table") { Description = "The audited table, for example sessions", Required = true };
        var id = new Option<Guid>("--id") { Description = "The row's id", Required = true };
        var historyLimit = LimitOption();
        var history = new Command("history", "One row's history, newest first: who changed which columns from what to what") { table, id, historyLimit };
        history.SetAction(CliOutput.ReportingFailures((parseResult, ct) => HistoryAsync(
            parseResult, parseResult.GetValue(table)!, parseResult.GetValue(id), parseResult.GetValue(historyLimit), ct)));

        var owner = new Option<Guid?>("--user") { Description = "Only entries about this user's rows" };
        var onlyTable = new Option<string?>("--table") { Description = "Only entries about this table" };
        var recentLimit = LimitOption();
        var recent = new Command("recent", "The newest entries of the trail") { owner, onlyTable, recentLimit };
        recent.SetAction(CliOutput.ReportingFailures((parseResult, ct) => RecentAsync(
            parseResult, parseResult.GetValue(owner), parseResult.GetValue(onlyTable), parseResult.GetValue(recentLimit), ct)));

        return new Command("audit", "The audit trail: history of a row, recent entries") { history, recent };
    }

    /// <summary>Prints one entry on two lines; shared with <c>domain up</c>.</summary>
    public static void Print(AuditEntryDto entry)
    {
        var actor = entry.ActorId is { } user ? $"{user} as {entry.ActorRole}" : entry.ActorRole;
        CliOutput.Line($"#{entry.Id} {entry.OccurredAt:u} {entry.Operation.ToString().ToLowerInvariant()} {entry.TableName} {entry.RowId} by {actor}"
            + (entry.DatabaseRole == entry.ActorRole ? string.Empty : $" (database role {entry.DatabaseRole})"));
        if (entry.OldValues is not null || entry.NewValues is not null)
        {
            CliOutput.Line($"    {Shorten(entry.OldValues ?? "-")} -> {Shorten(entry.NewValues ?? "-")}");
        }
    }

    private static Option<int> LimitOption() => new("--limit") { Description = "How many, newest first (default 20)", DefaultValueFactory = _ => 20 };

    private static string Shorten(string json) => json.Length <= 160 ? json : json[..157] + "...";

    private static async Task<int> HistoryAsync(ParseResult parseResult, string table, Guid id, int limit, CancellationToken ct)
    {
        await using var cli = await CliServices.OpenAsync(parseResult, ct);
        var entries = await cli.Get<AuditTrail>().HistoryAsync(Caller.Service, new RowHistoryRequest(table, id, limit), ct);
        CliOutput.Field("history", entries.Count == 0 ? $"no entries about {table} {id}" : $"{entries.Count} entries about {table} {id}, newest first");
        foreach (var entry in entries)
        {
            Print(entry);
        }

        return 0;
    }

    private static async Task<int> RecentAsync(ParseResult parseResult, Guid? owner, string? table, int limit, CancellationToken ct)
    {
        await using var cli = await CliServices.OpenAsync(parseResult, ct);
        var entries = await cli.Get<AuditTrail>().ListAsync(Caller.Service, new ListAuditEntriesRequest(limit, OwnerId: owner, Table: table), ct);
        CliOutput.Field("audit", entries.Count == 0 ? "no entries" : $"{entries.Count} newest entries");
        foreach (var entry in entries)
        {
            Print(entry);
        }

        return 0;
    }
}
