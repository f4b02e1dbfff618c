using System.CommandLine;
using Domain.Cli.Scaffolding;
using Domain.DevDatabase;
using Domain.Persistence;

namespace Domain.Cli.Commands;

/// <summary>
/// <c>domain scaffold entity &lt;Name&gt; (--root | --in &lt;Aggregate&gt;) [--field name:type[?][:max] ...] [--shared | --ledger] [--dry-run]</c>:
/// a new entity end to end, in the shape the hand-written ones have (see <see cref="Scaffolder"/>). Needs no database.
/// </summary>
internal static class ScaffoldCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("Name") { Description = "The entity, PascalCase and singular (Bookmark)" };
        var root = new Option<bool>("--root") { Description = "A new aggregate root owned by a user (with --shared or --ledger, another kind of root)" };
        var parent = new Option<string?>("--in") { Description = "A child inside this existing aggregate (Session, Conversation, ...)", HelpName = "Aggregate" };
        var fields = new Option<string[]>("--field")
        {
            Description = $"A field as name:type[?][:max]; types: {string.Join(", ", FieldSpec.Types.Keys)}; ? makes it optional; max for string, text and json",
            AllowMultipleArgumentsPerToken = false,
            Arity = ArgumentArity.ZeroOrMore,
        };
        var shared = new Option<bool>("--shared") { Description = "Reference data nobody owns: every signed-in caller reads, admins write" };
        var ledger = new Option<bool>("--ledger") { Description = "A user's append-only records, written by the backend" };
        var dryRun = new Option<bool>("--dry-run") { Description = "List the files it would write, and write nothing" };
        var entity = new Command("entity", "Scaffold an entity: domain class, EF configuration with RLS, DTOs, validators, mapping, store, migration and tests")
        {
            name, root, parent, fields, shared, ledger, dryRun,
        };
        entity.SetAction(CliOutput.ReportingFailures((parseResult, ct) => RunAsync(
            new ScaffoldRequest(
                parseResult.GetValue(name)!,
                parseResult.GetValue(root),
                parseResult.GetValue(parent),
                parseResult.GetValue(fields) ?? [],
                parseResult.GetValue(shared),
                parseResult.GetValue(ledger),
                parseResult.GetValue(dryRun)),
            ct)));
        return new Command("scaffold", "Generate code in the project's shape") { entity };
    }

    private static async Task<int> RunAsync(ScaffoldRequest request, CancellationToken ct)
    {
        var repository = LocalDevDatabase.RepositoryRoot();
        if (!File.Exists(Path.Combine(repository, "Domain.sln")))
        {
            throw new ScaffoldException("Run scaffold inside the repository (no Domain.sln above the working directory).");
        }

        // The model needs no database: the connection string is parsed, never opened.
        using var context = MigrationsDbContextFactory.Create("Host=localhost;Database=scaffold;Username=scaffold");
        return await new Scaffolder(repository, Console.Out).RunAsync(request, context.Model, ct);
    }
}
