using Domain.Common;
using Domain.Conversations;
using Domain.Usage;

namespace Domain.UnitTests.Conversations;

public sealed class ConversationTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid Owner = Guid.CreateVersion7();

    [Fact]
    public void AddMessage_NumbersFromOne_AndEveryMessageCarriesTheOwner()
    {
        var conversation = Conversation.Create(Owner, " chat ", Now);

        var first = conversation.AddMessage(MessageRole.User, "hi", Now);
        var second = conversation.AddMessage(MessageRole.Assistant, "hello", Now, tokenCount: 3);

        Assert.Equal("chat", conversation.Title);
        Assert.Equal([1, 2], new[] { first.Sequence, second.Sequence });
        Assert.Equal(2, conversation.LastSequence);
        Assert.All(conversation.Messages, m => Assert.Equal((conversation.Id, Owner), (m.ConversationId, m.UserId)));
    }

    [Theory]
    [InlineData(null, "content.required")]
    [InlineData("", "content.required")]
    public void AddMessage_WithoutContent_Throws(string? content, string code)
    {
        var conversation = Conversation.Create(Owner, "chat", Now);

        var ex = Assert.Throws<DomainException>(() => conversation.AddMessage(MessageRole.User, content!, Now));

        Assert.Equal(code, ex.Code);
        Assert.Empty(conversation.Messages);
        Assert.Equal(0, conversation.LastSequence);
    }

    [Fact]
    public void AddMessage_RejectsAnUndefinedRole_NegativeTokens_AndNonObjectMetadata()
    {
        var conversation = Conversation.Create(Owner, "chat", Now);

        Assert.Equal("role.invalid", Assert.Throws<DomainException>(() => conversation.AddMessage((MessageRole)42, "x", Now)).Code);
        Assert.Equal("token_count.negative", Assert.Throws<DomainException>(() => conversation.AddMessage(MessageRole.User, "x", Now, -1)).Code);
        Assert.Equal("metadata.wrong_kind", Assert.Throws<DomainException>(() => conversation.AddMessage(MessageRole.User, "x", Now, null, "[1]")).Code);
        Assert.Empty(conversation.Messages);
    }

    [Fact]
    public void AnArchivedConversation_RefusesMessagesAndRetitling()
    {
        var conversation = Conversation.Create(Owner, "chat", Now);
        conversation.Archive(Now);

        Assert.Equal("conversation.archived", Assert.Throws<DomainException>(() => conversation.AddMessage(MessageRole.User, "x", Now)).Code);
        Assert.Equal("conversation.archived", Assert.Throws<DomainException>(() => conversation.Retitle("new")).Code);
        Assert.True(conversation.IsArchived);
    }

    [Fact]
    public void Create_RejectsAnEmptyOwnerOrSession()
    {
        Assert.Equal("user_id.empty", Assert.Throws<DomainException>(() => Conversation.Create(Guid.Empty, "chat", Now)).Code);
        Assert.Equal("session_id.empty", Assert.Throws<DomainException>(() => Conversation.Create(Owner, "chat", Now, sessionId: Guid.Empty)).Code);
    }

    [Theory]
    [InlineData(-1, 0, "0.1", "tokens.negative")]
    [InlineData(0, 0, "-0.1", "cost_usd.invalid")]
    [InlineData(0, 0, "0.0000001", "cost_usd.invalid")]
    [InlineData(0, 0, "1000000", "cost_usd.invalid")]
    public void UsageRecord_RejectsNegativeTokensAndCostsOutOfRange(int input, int output, string cost, string code)
    {
        var ex = Assert.Throws<DomainException>(() => UsageRecord.Create(
            Owner, "openai", "chat", null, input, output, decimal.Parse(cost, System.Globalization.CultureInfo.InvariantCulture), Now));

        Assert.Equal(code, ex.Code);
    }

    [Fact]
    public void UsageRecord_KeepsWhatItWasGiven()
    {
        var record = UsageRecord.Create(Owner, " openai ", "chat.completion", "gpt", 10, 5, 0.000123m, Now);

        Assert.Equal(("openai", "chat.completion", "gpt", 10, 5, 0.000123m), (record.Service, record.Operation, record.Model, record.InputTokens, record.OutputTokens, record.CostUsd));
        Assert.Equal(7, record.Id.Version);
    }
}
