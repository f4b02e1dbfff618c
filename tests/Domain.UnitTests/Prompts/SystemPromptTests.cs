using Domain.Common;
using Domain.Prompts;

namespace Domain.UnitTests.Prompts;

public sealed class SystemPromptTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Create_TrimsTheNames_AndStartsWithoutAnyVersion()
    {
        var prompt = SystemPrompt.Create(" code-review ", " kimi ", 2, "  ", Now);

        Assert.Equal(("code-review", "kimi", 2, null), (prompt.ToolName, prompt.Provider, prompt.Tier, prompt.Description));
        Assert.Null(prompt.ActiveVersionNumber);
        Assert.Null(prompt.ActivatedAt);
        Assert.Equal(0, prompt.LastVersionNumber);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(4)]
    public void Create_WithATierOutsideTheSeeds_Throws(int tier)
    {
        Assert.Equal("tier.out_of_range", Assert.Throws<DomainException>(() => SystemPrompt.Create("chat", "glm", tier, null, Now)).Code);
    }

    [Fact]
    public void PublishVersion_NumbersFromOne_HashesTheContent_AndActivatesNothing()
    {
        var prompt = SystemPrompt.Create("chat", "glm", 0, null, Now);
        var author = Guid.CreateVersion7();

        var first = prompt.PublishVersion("Be brief.", " first ", author, Now);
        var second = prompt.PublishVersion("Be brief and kind.", null, null, Now.AddMinutes(1));

        Assert.Equal([1, 2], new[] { first.VersionNumber, second.VersionNumber });
        Assert.Equal(2, prompt.LastVersionNumber);
        Assert.Equal((prompt.Id, "first", (Guid?)author), (first.PromptId, first.Notes, first.AuthorId));
        Assert.Equal(PromptVersion.HashOf("Be brief."), first.ContentHash);
        Assert.NotEqual(first.ContentHash, second.ContentHash);
        Assert.Null(prompt.ActiveVersionNumber);
    }

    [Fact]
    public void HashOf_IsTheSha256OfTheUtf8Bytes_InLowerCaseHex()
    {
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", PromptVersion.HashOf(string.Empty));
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", PromptVersion.HashOf("abc"));
    }

    [Theory]
    [InlineData(null, "content.required")]
    [InlineData("", "content.required")]
    [InlineData("nul\0", "content.invalid_text")]
    public void PublishVersion_WithContentPostgresCannotStore_ThrowsAndPublishesNothing(string? content, string code)
    {
        var prompt = SystemPrompt.Create("chat", "glm", 0, null, Now);

        Assert.Equal(code, Assert.Throws<DomainException>(() => prompt.PublishVersion(content!, null, null, Now)).Code);
        Assert.Empty(prompt.Versions);
        Assert.Equal(0, prompt.LastVersionNumber);
    }

    [Fact]
    public void PublishVersion_KeepsTheContentExactlyAsGiven()
    {
        var prompt = SystemPrompt.Create("chat", "glm", 0, null, Now);

        var version = prompt.PublishVersion("  indented\n", null, null, Now);

        Assert.Equal("  indented\n", version.Content);
    }

    [Fact]
    public void Activate_MakesTheVersionActive_AndActivatingItAgainChangesNothing()
    {
        var prompt = SystemPrompt.Create("chat", "glm", 0, null, Now);
        var first = prompt.PublishVersion("one", null, null, Now);
        var second = prompt.PublishVersion("two", null, null, Now);

        Assert.True(prompt.Activate(second, Now.AddMinutes(1)));
        Assert.False(prompt.Activate(second, Now.AddMinutes(2)));

        Assert.Equal((2, Now.AddMinutes(1)), (prompt.ActiveVersionNumber, prompt.ActivatedAt));
        Assert.True(prompt.Activate(first, Now.AddMinutes(3)));
        Assert.Equal(1, prompt.ActiveVersionNumber);
    }

    [Fact]
    public void Activate_AnotherPromptsVersion_Throws()
    {
        var prompt = SystemPrompt.Create("chat", "glm", 0, null, Now);
        var other = SystemPrompt.Create("chat", "kimi", 0, null, Now);
        var foreign = other.PublishVersion("theirs", null, null, Now);

        Assert.Equal("version.other_prompt", Assert.Throws<DomainException>(() => prompt.Activate(foreign, Now)).Code);
        Assert.Null(prompt.ActiveVersionNumber);
    }

    [Fact]
    public void RollBackTo_AnEarlierVersion_ActivatesIt_AndKeepsTheLaterOnes()
    {
        var prompt = SystemPrompt.Create("chat", "glm", 0, null, Now);
        var first = prompt.PublishVersion("one", null, null, Now);
        var second = prompt.PublishVersion("two", null, null, Now);
        prompt.Activate(second, Now);

        prompt.RollBackTo(first, Now.AddHours(1));

        Assert.Equal((1, Now.AddHours(1)), (prompt.ActiveVersionNumber, prompt.ActivatedAt));
        Assert.Equal([1, 2], prompt.Versions.Select(v => v.VersionNumber));
        Assert.Equal(2, prompt.LastVersionNumber);
    }

    [Fact]
    public void RollBackTo_TheActiveOrALaterVersion_Throws()
    {
        var prompt = SystemPrompt.Create("chat", "glm", 0, null, Now);
        var first = prompt.PublishVersion("one", null, null, Now);
        var second = prompt.PublishVersion("two", null, null, Now);
        prompt.Activate(first, Now);

        Assert.Equal("version_number.not_earlier", Assert.Throws<DomainException>(() => prompt.RollBackTo(first, Now)).Code);
        Assert.Equal("version_number.not_earlier", Assert.Throws<DomainException>(() => prompt.RollBackTo(second, Now)).Code);
        Assert.Equal(1, prompt.ActiveVersionNumber);
    }

    [Fact]
    public void RollBackTo_WithNothingEarlier_OrNothingActive_Throws()
    {
        var prompt = SystemPrompt.Create("chat", "glm", 0, null, Now);
        var first = prompt.PublishVersion("one", null, null, Now);

        Assert.Equal("prompt.no_active_version", Assert.Throws<DomainException>(() => prompt.RollBackTo(first, Now)).Code);
        prompt.Activate(first, Now);
        Assert.Equal("prompt.no_earlier_version", Assert.Throws<DomainException>(() => prompt.RollBackTo(null, Now)).Code);
    }

    [Fact]
    public void Describe_ReplacesDescriptionAndTier_WithinTheSeedsTiers()
    {
        var prompt = SystemPrompt.Create("chat", "glm", 0, "old", Now);

        prompt.Describe("new", 3);

        Assert.Equal(("new", 3), (prompt.Description, prompt.Tier));
        Assert.Equal("tier.out_of_range", Assert.Throws<DomainException>(() => prompt.Describe("x", 9)).Code);
        Assert.Equal(("new", 3), (prompt.Description, prompt.Tier));
    }
}
