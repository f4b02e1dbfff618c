using System.CommandLine;
using Domain.Cli.Erd;
using Domain.DevDatabase;
using Domain.Persistence;

namespace Domain.Cli.Commands;

/// <summary><c>domain erd</c>: writes docs/erd.md, the model as a Mermaid diagram. Needs no database.</summary>
internal static class ErdCommand
{
    public static Command Create()
    {
        var command = new Command("erd", $"Write {ErdWriter.RelativePath}: every table, key and relationship of the model, and each table's RLS");
        command.SetAction(CliOutput.ReportingFailures((_, ct) => RunAsync(ct)));
        return command;
    }

    private static async Task<int> RunAsync(CancellationToken ct)
    {
        // The model needs no database: the connection string is parsed, never opened.
        using var context = MigrationsDbContextFactory.Create("Host=localhost;Database=erd;Username=erd");
        var path = Path.Combine(LocalDevDatabase.RepositoryRoot(), ErdWriter.RelativePath);
        await File.WriteAllTextAsync(path, ErdWriter.Write(context.Model), ct);
        CliOutput.Field("erd", $"wrote {path}");
        return 0;
    }
}
