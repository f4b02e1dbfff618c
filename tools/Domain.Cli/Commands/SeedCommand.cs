using System.CommandLine;
using Domain.DevDatabase;
using Domain.Persistence;

namespace Domain.Cli.Commands;

/// <summary><c>domain seed</c>: fills an empty database with demo users and their sessions.</summary>
internal static class SeedCommand
{
    public static Command Create()
    {
        var command = new Command("seed", "Create demo users and sessions, if public.sessions is empty");
        command.SetAction(CliOutput.ReportingFailures(RunAsync));
        return command;
    }

    /// <summary>Seeds and prints what was done; shared with <c>domain up</c>.</summary>
    public static async Task<SeedResult> SeedAsync(string ownerConnectionString, CancellationToken ct)
    {
        var contexts = new DomainDbContextFactory(DomainDbContextOptions.Create(ownerConnectionString));
        var result = await new DemoDataSeeder(TimeProvider.System).SeedAsync(ownerConnectionString, contexts, ct);
        CliOutput.Field("demo data", result.Summary);
        foreach (var user in result.Users)
        {
            CliOutput.Line($"{user.Email,-28}{user.Id}  {user.Sessions} sessions");
        }

        return result;
    }

    private static async Task<int> RunAsync(ParseResult parseResult, CancellationToken ct)
    {
        await using var database = await CliConnection.OpenAsync(parseResult, localPort: null, ct);
        CliOutput.Field("server", $"{database.Server}/{database.Database} ({database.Source})");
        await SeedAsync(database.ConnectionString, ct);
        return 0;
    }
}
