using System.CommandLine;
using Domain.DevDatabase;

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

    /// <summary>Prints what seeding did; shared with <c>domain up</c>.</summary>
    public static void Print(SeedResult result)
    {
        CliOutput.Field("demo data", result.Summary);
        foreach (var user in result.Users)
        {
            CliOutput.Line($"{user.Email,-28}{user.Id}  {user.Sessions} sessions"
                + (user.IsAdmin ? ", admin" : string.Empty)
                + (user.Limits is { } limits ? $", monthly limits {ProfilesCommand.Limits(limits.Tokens, limits.CostUsd)}" : string.Empty));
        }
    }

    private static async Task<int> RunAsync(ParseResult parseResult, CancellationToken ct)
    {
        var options = new ProvisionOptions
        {
            ApplyMigrations = false,
            LoginRole = LoginRoleSetup.Skip,
            SeedDemoData = true,
            Observer = new SeedReport(),
        };
        await using var database = await CliConnection.ProvisionAsync(parseResult, localPort: null, options, ct);
        return 0;
    }

    private sealed class SeedReport : IProvisioningObserver
    {
        public void DatabaseReady(ProvisionedDatabase database) => CliOutput.Field("server", CliConnection.Describe(database));

        public void DemoDataSeeded(SeedResult result) => Print(result);
    }
}
