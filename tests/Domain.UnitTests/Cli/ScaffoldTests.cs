using System.Diagnostics;
using Domain.Cli.Scaffolding;
using Domain.DevDatabase;
using Domain.Persistence;

namespace Domain.UnitTests.Cli;

/// <summary>
/// <c>domain scaffold entity</c> refuses what it cannot scaffold before it writes anything, and a dry run lists what it
/// would write. Each test runs against a throwaway git repository holding the sources the generator reads and edits
/// (CI scaffolds, builds and tests real entities in a throwaway clone of the whole repository).
/// </summary>
public sealed class ScaffoldTests : IDisposable
{
    private static readonly string[] Copied =
    [
        "Domain.sln",
        "src/Domain.Persistence/DomainDbContext.cs",
        "src/Domain.Application/ApplicationServiceCollectionExtensions.cs",
        "src/Domain.Persistence/Migrations/DomainDbContextModelSnapshot.cs",
        "docs/erd.md",
    ];

    private readonly string _repository = Path.Combine(Path.GetTempPath(), $"scaffold-tests-{Guid.NewGuid():N}");
    private readonly DomainDbContext _model = MigrationsDbContextFactory.Create("Host=localhost;Database=scaffold;Username=scaffold");

    public ScaffoldTests()
    {
        var source = LocalDevDatabase.RepositoryRoot(AppContext.BaseDirectory);
        var files = Copied.Concat(Directory.EnumerateFiles(Path.Combine(source, "src", "Domain"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(source, f)));
        foreach (var file in files)
        {
            var target = Path.Combine(_repository, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(source, file), target);
        }

        Git("init", "-q");
        Git("add", "-A");
        Git("-c", "user.name=test", "-c", "user.email=test@example.test", "commit", "-q", "-m", "sources");
    }

    public void Dispose()
    {
        _model.Dispose();
        Directory.Delete(_repository, recursive: true);
    }

    public static TheoryData<string[], string> Refusals() => new()
    {
        { ["Session", "--root", "--field", "title:string"], "Session exists already" },
        { ["Message", "--in", "Conversation", "--field", "body:text"], "Message exists already" },
        { ["ScaffoldTag", "--in", "Nope", "--field", "label:string"], "there is no aggregate Nope. The aggregates are: " },
        { ["ScaffoldTag", "--in", "UsageRecord", "--field", "label:string"], "UsageRecord is not owned by a user" },
        { ["ScaffoldProbe", "--root", "--field", "title:varchar"], "type 'varchar' is not supported; use one of string, text, json" },
        { ["ScaffoldProbe", "--root", "--field", "count:int:10"], "only string, text and json take a maximum length" },
        { ["ScaffoldProbe", "--root", "--field", "title"], "is not name:type[?][:max]" },
        { ["ScaffoldProbe", "--root", "--field", "user_id:guid"], "UserId is generated for every entity" },
        { ["ScaffoldProbe", "--root", "--field", "a:int", "--field", "A:int"], "A is given twice" },
        { ["ScaffoldProbe", "--root"], "at least one --field" },
        { ["ScaffoldProbe", "--field", "a:int"], "--root for a new aggregate, or --in <Aggregate>" },
        { ["ScaffoldProbe", "--root", "--in", "Session", "--field", "a:int"], "--root for a new aggregate, or --in <Aggregate>" },
        { ["ScaffoldProbe", "--root", "--shared", "--ledger", "--field", "a:int"], "choose one" },
        { ["ScaffoldTag", "--in", "Session", "--ledger", "--field", "a:int"], "describes a root" },
        { ["scaffoldProbe", "--root", "--field", "a:int"], "is not an entity name" },
        { ["ScaffoldNote", "--in", "Session", "--field", "session_id:guid"], "SessionId is generated" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task AScaffoldItCannotMake_IsRefusedClearly_AndWritesNothing(string[] arguments, string expected)
    {
        var (code, output, error) = await ScaffoldAsync(arguments);

        Assert.Equal(1, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Empty(Git("status", "--porcelain", "--untracked-files=all"));
        Assert.DoesNotContain("wrote", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UncommittedChangesInAFileItWouldWrite_AreRefused_AndNothingIsWritten()
    {
        var context = Path.Combine(_repository, "src/Domain.Persistence/DomainDbContext.cs");
        File.AppendAllText(context, "// a change of the developer's\n");

        var (code, _, error) = await ScaffoldAsync(["ScaffoldProbe", "--root", "--field", "title:string:200"]);

        Assert.Equal(1, code);
        Assert.Contains("uncommitted changes: src/Domain.Persistence/DomainDbContext.cs", error, StringComparison.Ordinal);
        Assert.Equal(" M src/Domain.Persistence/DomainDbContext.cs", Git("status", "--porcelain", "--untracked-files=all").TrimEnd());
    }

    [Fact]
    public async Task ADryRun_ListsEveryFileOfARootAndItsChild_AndWritesNothing()
    {
        var (rootCode, root, _) = await ScaffoldAsync(["ScaffoldProbe", "--root", "--field", "title:string:200", "--field", "notes:text?", "--dry-run"]);
        var (childCode, child, _) = await ScaffoldAsync(["ScaffoldNote", "--in", "Session", "--field", "body:text", "--field", "amount:decimal?", "--dry-run"]);

        Assert.Equal((0, 0), (rootCode, childCode));
        foreach (var file in new[]
        {
            "src/Domain/ScaffoldProbes/ScaffoldProbe.cs", "src/Domain/ScaffoldProbes/ScaffoldProbeLimits.cs",
            "src/Domain.Persistence/EntityConfigurations/ScaffoldProbes/ScaffoldProbeConfiguration.cs", "src/Domain.Persistence/ScaffoldProbes/ScaffoldProbeQueries.cs",
            "src/Domain.Application/ScaffoldProbes/ScaffoldProbeContracts.cs", "src/Domain.Application/ScaffoldProbes/ScaffoldProbeValidators.cs",
            "src/Domain.Application/ScaffoldProbes/ScaffoldProbeMapping.cs", "src/Domain.Application/ScaffoldProbes/ScaffoldProbeStore.cs",
            "tests/Domain.IntegrationTests/Scaffolded/ScaffoldProbeTests.cs", "src/Domain.Persistence/DomainDbContext.cs",
            "src/Domain.Application/ApplicationServiceCollectionExtensions.cs", "_AddScaffoldProbe.cs", "_AddScaffoldProbe.up.sql", "docs/erd.md",
        })
        {
            Assert.Contains(file, root, StringComparison.Ordinal);
        }

        Assert.Contains("src/Domain/Sessions/ScaffoldNote.cs", child, StringComparison.Ordinal);
        Assert.Contains("src/Domain/Sessions/Session.ScaffoldNotes.cs", child, StringComparison.Ordinal);
        Assert.Contains("src/Domain.Persistence/EntityConfigurations/Sessions/SessionScaffoldNotesConfiguration.cs", child, StringComparison.Ordinal);
        Assert.Contains("src/Domain.Application/Sessions/ScaffoldNoteStore.cs", child, StringComparison.Ordinal);
        Assert.Contains("nothing was written", child, StringComparison.Ordinal);
        Assert.Empty(Git("status", "--porcelain", "--untracked-files=all"));
    }

    [Fact]
    public async Task AChildOfAnAggregateWhoseClassIsNotPartial_MakesItPartial()
    {
        var (code, output, _) = await ScaffoldAsync(["ScaffoldAttachment", "--in", "Conversation", "--field", "name:string", "--dry-run"]);

        Assert.Equal(0, code);
        Assert.Contains("edit    src/Domain/Conversations/Conversation.cs", output, StringComparison.Ordinal);
        Assert.Equal(
            "public sealed partial class Conversation : IAggregateRoot",
            RootDiscovery.MakePartial("public sealed class Conversation : IAggregateRoot", "Conversation"));
    }

    [Theory]
    [InlineData("title:string:200", "String", false, 200)]
    [InlineData("title:string", "String", false, 200)]
    [InlineData("notes:text?", "Text", true, 100_000)]
    [InlineData("payload:json?:5000", "Json", true, 5000)]
    [InlineData("due_date:date?", "Date", true, null)]
    [InlineData("amount:decimal", "Decimal", false, null)]
    public void AField_ParsesToItsKindNullabilityAndLimit(string spec, string kind, bool nullable, int? max)
    {
        var field = FieldSpec.Parse(spec, []);

        Assert.Equal((kind, nullable, max), (field.Kind.ToString(), field.Nullable, field.MaxLength));
    }

    [Theory]
    [InlineData("DueDate", "due_date")]
    [InlineData("HTMLBody", "html_body")]
    [InlineData("Line2Text", "line2_text")]
    public void Names_AreSnakeCasedAsEfCoreNamingConventionsDoes(string pascal, string snake)
        => Assert.Equal(snake, Naming.Snake(pascal));

    [Theory]
    [InlineData("ScaffoldProbe", "ScaffoldProbes")]
    [InlineData("Category", "Categories")]
    [InlineData("Day", "Days")]
    [InlineData("Box", "Boxes")]
    [InlineData("Batch", "Batches")]
    public void Names_ArePluralised(string singular, string plural) => Assert.Equal(plural, Naming.Plural(singular));

    private async Task<(int Code, string Output, string Error)> ScaffoldAsync(string[] arguments)
    {
        var output = new StringWriter();
        var request = Parse(arguments);
        try
        {
            var code = await new Scaffolder(_repository, output).RunAsync(request, _model.Model, CancellationToken.None);
            return (code, output.ToString(), string.Empty);
        }
        catch (ScaffoldException ex)
        {
            return (1, output.ToString(), ex.Message);
        }
    }

    private static ScaffoldRequest Parse(string[] arguments)
    {
        var fields = new List<string>();
        string? parent = null;
        bool root = false, shared = false, ledger = false, dryRun = false;
        for (var i = 1; i < arguments.Length; i++)
        {
            switch (arguments[i])
            {
                case "--root": root = true; break;
                case "--shared": shared = true; break;
                case "--ledger": ledger = true; break;
                case "--dry-run": dryRun = true; break;
                case "--in": parent = arguments[++i]; break;
                case "--field": fields.Add(arguments[++i]); break;
                default: throw new ArgumentException(arguments[i]);
            }
        }

        return new ScaffoldRequest(arguments[0], root, parent, fields, shared, ledger, dryRun);
    }

    private string Git(params string[] arguments)
    {
        var start = new ProcessStartInfo("git", arguments) { WorkingDirectory = _repository, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"git {string.Join(' ', arguments)} failed");
        return output;
    }
}
