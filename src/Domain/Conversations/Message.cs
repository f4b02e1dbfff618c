namespace Domain.Conversations;

/// <summary>One immutable message of a conversation, numbered 1..n by <see cref="Sequence"/> within it.</summary>
public sealed class Message
{
    private Message()
    {
        Content = string.Empty;
    }

    internal Message(Guid id, Conversation conversation, int sequence, MessageRole role, string content, int? tokenCount, string? metadata, DateTimeOffset createdAt)
    {
        Id = id;
        ConversationId = conversation.Id;
        UserId = conversation.UserId;
        Sequence = sequence;
        Role = role;
        Content = content;
        TokenCount = tokenCount;
        Metadata = metadata;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }

    public Guid ConversationId { get; private set; }

    public Guid UserId { get; private set; }

    /// <summary>Position in the conversation, one past the last one given out; never reused.</summary>
    public int Sequence { get; private set; }

    public MessageRole Role { get; private set; }

    public string Content { get; private set; }

    /// <summary>Tokens the provider counted for this message, when known.</summary>
    public int? TokenCount { get; private set; }

    /// <summary>Optional JSON object (tool calls, provider ids).</summary>
    public string? Metadata { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }
}
