using Domain.Cli.Erd;
using Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Domain.UnitTests.Cli;

/// <summary>docs/erd.md is the model as it is: regenerating it from the model changes nothing.</summary>
public sealed class ErdTests
{
    [Fact]
    public void TheCommittedDiagram_MatchesTheModel()
    {
        using var context = MigrationsDbContextFactory.Create("Host=localhost;Database=erd;Username=erd");
        var expected = ErdWriter.Write(context.Model);
        var path = Path.Combine(RepositoryRoot(), ErdWriter.RelativePath);

        Assert.True(File.Exists(path), $"{ErdWriter.RelativePath} is missing: run `dotnet run --project tools/Domain.Cli -- erd`.");
        var committed = File.ReadAllText(path).ReplaceLineEndings("\n");
        Assert.True(
            committed == expected.ReplaceLineEndings("\n"),
            $"{ErdWriter.RelativePath} does not match the model: run `dotnet run --project tools/Domain.Cli -- erd` and commit the result.");
    }

    [Fact]
    public void TheDiagram_DrawsEveryTableAndForeignKey_WithItsRowLevelSecurity()
    {
        using var context = MigrationsDbContextFactory.Create("Host=localhost;Database=erd;Username=erd");

        var erd = ErdWriter.Write(context.Model);

        foreach (var entity in context.Model.GetEntityTypes().Where(e => e.GetTableName() is not null))
        {
            Assert.Contains($"    {entity.GetTableName()} {{", erd, StringComparison.Ordinal);
            var schema = entity.GetSchema() ?? DatabaseSchemas.Public;
            var named = schema == DatabaseSchemas.Public ? entity.GetTableName() : $"{schema}.{entity.GetTableName()}";
            Assert.Contains($"| `{named}` |", erd, StringComparison.Ordinal);
        }

        Assert.Contains("sessions ||--o{ session_revisions : \"session_id, user_id\"", erd, StringComparison.Ordinal);
        Assert.Contains("sessions |o--o{ conversations : \"session_id, user_id\"", erd, StringComparison.Ordinal);
        Assert.Contains("| `usage_logs` | ledger |", erd, StringComparison.Ordinal);
        Assert.Contains("| `domain_ops.file_deletion_jobs` | none: outside the API |", erd, StringComparison.Ordinal);
        Assert.Matches(@"\| `sessions` \| owned rows \| `user_id` \| [^|]+ \| yes, except [^|]*`updated_at`", erd);
        Assert.DoesNotContain("none declared", erd, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Domain.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("No Domain.sln above the test's folder.");
    }
}
