using Domain.Persistence.MigrationSafety;

namespace Domain.UnitTests.Migrations;

public sealed class MigrationLogStatusTextTests
{
    /// <summary>Existing logs hold these texts and their check constraint admits only these: they never change.</summary>
    [Fact]
    public void Statuses_AreWrittenAsTheLogHasAlwaysStoredThem()
    {
        Assert.Equal(
            ["pending", "running", "completed", "failed", "rolled_back"],
            MigrationLogStatusText.All.Select(status => status.ToText()));
    }

    [Fact]
    public void Parse_ReadsBackEveryStatus_AndRefusesAnythingElse()
    {
        Assert.All(MigrationLogStatusText.All, status => Assert.Equal(status, MigrationLogStatusText.Parse(status.ToText())));
        Assert.Throws<InvalidOperationException>(() => MigrationLogStatusText.Parse("RolledBack"));
    }
}
