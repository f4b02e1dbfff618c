using Domain.Application.Prompts;
using Domain.Prompts;
using FluentValidation;

namespace Domain.UnitTests.Prompts;

public sealed class PromptValidatorTests
{
    public static TheoryData<string, object, string> InvalidRequests => new()
    {
        { "blank tool", new StorePromptVersionRequest(" ", "kimi", "text"), nameof(StorePromptVersionRequest.ToolName) },
        { "tool with surrounding space", new StorePromptVersionRequest(" chat", "kimi", "text"), nameof(StorePromptVersionRequest.ToolName) },
        { "tool too long", new StorePromptVersionRequest(new string('t', PromptLimits.ToolNameMaxLength + 1), "kimi", "text"), nameof(StorePromptVersionRequest.ToolName) },
        { "provider NUL", new StorePromptVersionRequest("chat", "ki\0mi", "text"), nameof(StorePromptVersionRequest.Provider) },
        { "empty content", new StorePromptVersionRequest("chat", "kimi", ""), nameof(StorePromptVersionRequest.Content) },
        { "content lone surrogate", new StorePromptVersionRequest("chat", "kimi", "\ud800"), nameof(StorePromptVersionRequest.Content) },
        { "content too long", new StorePromptVersionRequest("chat", "kimi", new string('c', PromptLimits.ContentMaxLength + 1)), nameof(StorePromptVersionRequest.Content) },
        { "notes NUL", new StorePromptVersionRequest("chat", "kimi", "text", Notes: "\0"), nameof(StorePromptVersionRequest.Notes) },
        { "tier 4", new StorePromptVersionRequest("chat", "kimi", "text", Tier: 4), nameof(StorePromptVersionRequest.Tier) },
        { "description too long", new StorePromptVersionRequest("chat", "kimi", "text", Description: new string('d', PromptLimits.DescriptionMaxLength + 1)), nameof(StorePromptVersionRequest.Description) },
        { "version 0", new ActivatePromptVersionRequest("chat", "kimi", 0), nameof(ActivatePromptVersionRequest.VersionNumber) },
        { "activate blank provider", new ActivatePromptVersionRequest("chat", "", 1), nameof(ActivatePromptVersionRequest.Provider) },
        { "roll back to 0", new RollBackPromptRequest("chat", "kimi", 0), nameof(RollBackPromptRequest.ToVersionNumber) },
        { "versions of a blank tool", new PromptVersionsRequest("", "kimi"), nameof(PromptVersionsRequest.ToolName) },
    };

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public void AnInvalidRequest_NamesTheField(string because, object request, string field)
    {
        var result = request switch
        {
            StorePromptVersionRequest r => new StorePromptVersionRequestValidator().Validate(r),
            ActivatePromptVersionRequest r => new ActivatePromptVersionRequestValidator().Validate(r),
            RollBackPromptRequest r => new RollBackPromptRequestValidator().Validate(r),
            PromptVersionsRequest r => new PromptVersionsRequestValidator().Validate(r),
            _ => throw new ArgumentOutOfRangeException(nameof(request), because),
        };

        Assert.False(result.IsValid, because);
        Assert.Contains(result.Errors, e => e.PropertyName == field);
    }

    [Fact]
    public void TheLongestNamesAndContent_TheModelAccepts_AreValid()
    {
        var request = new StorePromptVersionRequest(
            new string('t', PromptLimits.ToolNameMaxLength), new string('p', PromptLimits.ProviderMaxLength),
            new string('c', PromptLimits.ContentMaxLength), Tier: PromptLimits.MaxTier);

        new StorePromptVersionRequestValidator().ValidateAndThrow(request);
        new RollBackPromptRequestValidator().ValidateAndThrow(new RollBackPromptRequest("chat", "kimi"));
    }
}
