namespace Domain.Conversations;

/// <summary>One immutable message of a conversation, numbered 1..n by <see cref="Sequence"/> within it.</summary>
public sealed class Message
{
    private Message()
    {
        Content = string.Empty;
    }

    /// <summary>A message whose content was already validated (<see cref="MessageContent.Validate"/>).</summary>
    internal Message(Guid id, Conversation conversation, int sequence, MessageContent content, DateTimeOffset createdAt)
    {
        Id = id;
        ConversationId = conversation.Id;
        UserId = conversation.UserId;
        Sequence = sequence;
        Role = content.Role;
        Content = content.Content;
        PromptTokens = content.PromptTokens;
        CompletionTokens = content.CompletionTokens;
        TokenCount = content.TokenCount;
        Provider = content.Provider;
        ProviderMessageId = content.ProviderMessageId;
        Metadata = content.MetadataJson;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }

    public Guid ConversationId { get; private set; }

    public Guid UserId { get; private set; }

    /// <summary>Position in the conversation, one past the last one given out; never reused.</summary>
    public int Sequence { get; private set; }

    public MessageRole Role { get; private set; }

    public string Content { get; private set; }

    /// <summary>Tokens the provider counted for the prompt, when known.</summary>
    public int? PromptTokens { get; private set; }

    /// <summary>Tokens the provider counted for the completion, when known.</summary>
    public int? CompletionTokens { get; private set; }

    /// <summary>Total tokens the provider counted for this message, when known.</summary>
    public int? TokenCount { get; private set; }

    /// <summary>The provider that produced or received the message.</summary>
    public string? Provider { get; private set; }

    /// <summary>The provider's id of the message, unique per conversation and provider.</summary>
    public string? ProviderMessageId { get; private set; }

    /// <summary>Optional JSON object (tool calls, provider ids).</summary>
    public string? Metadata { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }
}
