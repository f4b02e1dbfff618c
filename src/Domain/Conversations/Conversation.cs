using System.Text.Json;
using Domain.Common;

namespace Domain.Conversations;

/// <summary>
/// A chat conversation (seeds 001 and 004): an ordered, append-only list of messages, optionally tied to a session
/// and to a client's continuation id. The aggregate root: messages are added only through <see cref="AddMessage"/>.
/// </summary>
public sealed class Conversation : IAggregateRoot
{
    private readonly List<Message> _messages = [];

    private Conversation()
    {
        Title = string.Empty;
        Metadata = EmptyJsonObject;
    }

    private const string EmptyJsonObject = "{}";

    public Guid Id { get; private set; }

    /// <summary>The owner; every message carries the same value.</summary>
    public Guid UserId { get; private set; }

    /// <summary>The session this conversation works on, if any (same owner, enforced by the database).</summary>
    public Guid? SessionId { get; private set; }

    /// <summary>A client's handle for resuming the conversation; unique per user.</summary>
    public string? ContinuationId { get; private set; }

    public string Title { get; private set; }

    /// <summary>Free-form JSON object for the application.</summary>
    public string Metadata { get; private set; }

    /// <summary>The highest sequence number ever given out; numbers are never reused.</summary>
    public int LastSequence { get; private set; }

    /// <summary>Number of message rows, maintained by the database.</summary>
    public int MessageCount { get; private set; }

    /// <summary>Time of the newest message, maintained by the database.</summary>
    public DateTimeOffset? LastMessageAt { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Last change of the row, maintained by the database.</summary>
    public DateTimeOffset UpdatedAt { get; private set; }

    public DateTimeOffset? ArchivedAt { get; private set; }

    public bool IsArchived => ArchivedAt is not null;

    public IReadOnlyCollection<Message> Messages => _messages.AsReadOnly();

    /// <summary>Starts a conversation for <paramref name="userId"/>.</summary>
    public static Conversation Create(
        Guid userId, string title, DateTimeOffset now, Guid? sessionId = null, string? continuationId = null, Guid? id = null)
    {
        return new Conversation
        {
            Id = id ?? Guid.CreateVersion7(now),
            UserId = Guard.NotEmpty(userId, "user_id"),
            SessionId = sessionId is { } session ? Guard.NotEmpty(session, "session_id") : null,
            ContinuationId = Guard.OptionalText(continuationId, "continuation_id", ConversationLimits.ContinuationIdMaxLength),
            Title = Guard.Text(title, "title", ConversationLimits.TitleMaxLength),
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    public void Retitle(string title)
    {
        EnsureOpen("retitle");
        Title = Guard.Text(title, "title", ConversationLimits.TitleMaxLength);
    }

    public void ReplaceMetadata(string metadataJson)
    {
        EnsureOpen("change the metadata of");
        Metadata = Guard.Json(metadataJson, "metadata", ConversationLimits.MetadataMaxLength, JsonValueKind.Object);
    }

    /// <summary>Appends a message numbered one past the last sequence given out.</summary>
    public Message AddMessage(MessageRole role, string content, DateTimeOffset now, int? tokenCount = null, string? metadataJson = null)
    {
        EnsureOpen("add a message to");
        var message = new Message(Guid.CreateVersion7(now), this, LastSequence + 1, ValidRole(role), ValidContent(content), ValidTokenCount(tokenCount),
            metadataJson is null ? null : Guard.Json(metadataJson, "metadata", ConversationLimits.MetadataMaxLength, JsonValueKind.Object), now);
        _messages.Add(message);
        LastSequence = message.Sequence;
        return message;
    }

    /// <summary>Archives the conversation; an archived conversation takes no more messages.</summary>
    public void Archive(DateTimeOffset now)
    {
        EnsureOpen("archive");
        ArchivedAt = now;
    }

    internal static MessageRole ValidRole(MessageRole role) => Enum.IsDefined(role)
        ? role
        : throw new DomainException("role.invalid", $"role {(int)role} is not one of {string.Join(", ", Enum.GetNames<MessageRole>())}.");

    internal static string ValidContent(string? content) => Guard.Content(content, "content", ConversationLimits.ContentMaxLength);

    internal static int? ValidTokenCount(int? tokenCount) => tokenCount is < 0
        ? throw new DomainException("token_count.negative", $"token_count must not be negative (got {tokenCount}).")
        : tokenCount;

    private void EnsureOpen(string action)
    {
        if (IsArchived)
        {
            throw new DomainException("conversation.archived", $"Cannot {action} conversation {Id}: it is archived.");
        }
    }
}
