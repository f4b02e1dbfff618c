using System.Text.Json;
using Domain.Common;
using Domain.Files;

namespace Domain.Conversations;

/// <summary>
/// A chat conversation (seeds 001 and 004): an ordered, append-only list of messages, optionally tied to a session
/// and to a client's continuation id, with the tool and provider it serves, a context document and an expiry that
/// each new message extends. The aggregate root: messages are added only through its <c>AddMessage</c> methods.
/// </summary>
public sealed class Conversation : IAggregateRoot
{
    private readonly List<Message> _messages = [];
    private readonly List<ConversationFile> _files = [];

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

    /// <summary>The tool the conversation serves (seed 004's <c>tool_name</c>), if any.</summary>
    public string? ToolName { get; private set; }

    /// <summary>The model provider the conversation talks to (seed 004's <c>provider</c>), if any.</summary>
    public string? Provider { get; private set; }

    /// <summary>Free-form JSON object for the application.</summary>
    public string Metadata { get; private set; }

    /// <summary>The tool's working context (seed 004's <c>context</c>): a JSON object, or null.</summary>
    public string? Context { get; private set; }

    /// <summary>When the conversation may be removed; null when it never expires. Each new message extends it.</summary>
    public DateTimeOffset? ExpiresAt { get; private set; }

    /// <summary>The highest sequence number ever given out; numbers are never reused.</summary>
    public int LastSequence { get; private set; }

    /// <summary>Number of message rows, maintained by the database.</summary>
    public int MessageCount { get; private set; }

    /// <summary>Time of the newest message, maintained by the database.</summary>
    public DateTimeOffset? LastMessageAt { get; private set; }

    /// <summary>The newest of its creation and its newest message, maintained by the database; lists sort by it.</summary>
    public DateTimeOffset LastActivityAt { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Last change of the row, maintained by the database.</summary>
    public DateTimeOffset UpdatedAt { get; private set; }

    public DateTimeOffset? ArchivedAt { get; private set; }

    public bool IsArchived => ArchivedAt is not null;

    public IReadOnlyCollection<Message> Messages => _messages.AsReadOnly();

    /// <summary>The files attached to the conversation (as far as they were loaded).</summary>
    public IReadOnlyCollection<ConversationFile> Files => _files.AsReadOnly();

    /// <summary>Starts a conversation for <paramref name="userId"/>.</summary>
    public static Conversation Create(
        Guid userId, string title, DateTimeOffset now, Guid? sessionId = null, string? continuationId = null, Guid? id = null)
        => Create(userId, new ConversationStart(title, sessionId, continuationId), now, id);

    /// <summary>Starts a conversation for <paramref name="userId"/> as <paramref name="start"/> describes it.</summary>
    public static Conversation Create(Guid userId, ConversationStart start, DateTimeOffset now, Guid? id = null)
    {
        ArgumentNullException.ThrowIfNull(start);
        return new Conversation
        {
            Id = id ?? Guid.CreateVersion7(now),
            UserId = Guard.NotEmpty(userId, "user_id"),
            SessionId = start.SessionId is { } session ? Guard.NotEmpty(session, "session_id") : null,
            ContinuationId = Guard.OptionalText(start.ContinuationId, "continuation_id", ConversationLimits.ContinuationIdMaxLength),
            Title = Guard.Text(start.Title, "title", ConversationLimits.TitleMaxLength),
            ToolName = Guard.OptionalText(start.ToolName, "tool_name", ConversationLimits.ToolNameMaxLength),
            Provider = Guard.OptionalText(start.Provider, "provider", ConversationLimits.ProviderMaxLength),
            Context = start.ContextJson is null ? null : Guard.Json(start.ContextJson, "context", ConversationLimits.ContextMaxLength, JsonValueKind.Object),
            Metadata = start.MetadataJson is null ? EmptyJsonObject : Guard.Json(start.MetadataJson, "metadata", ConversationLimits.MetadataMaxLength, JsonValueKind.Object),
            ExpiresAt = ExpiryAfter(now, start.TimeToLive),
            CreatedAt = now,
            UpdatedAt = now,
            LastActivityAt = now,
        };
    }

    /// <summary>When a conversation touched at <paramref name="now"/> expires under <paramref name="timeToLive"/> (null: never).</summary>
    public static DateTimeOffset? ExpiryAfter(DateTimeOffset now, TimeSpan? timeToLive) => timeToLive switch
    {
        null => null,
        { } ttl when ttl > TimeSpan.Zero => now + ttl,
        { } ttl => throw new DomainException("time_to_live.invalid", $"time_to_live must be positive (got {ttl})."),
    };

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
        => AddMessage(new MessageContent(role, content, tokenCount: tokenCount, metadataJson: metadataJson), now);

    /// <summary>
    /// Appends a message numbered one past the last sequence given out; an expiring conversation then expires no
    /// earlier than <paramref name="timeToLive"/> after <paramref name="now"/>.
    /// </summary>
    public Message AddMessage(MessageContent content, DateTimeOffset now, TimeSpan? timeToLive = null)
    {
        EnsureOpen("add a message to");
        var message = new Message(Guid.CreateVersion7(now), this, LastSequence + 1, MessageContent.Validate(content), now);
        _messages.Add(message);
        LastSequence = message.Sequence;
        if (ExpiresAt is { } expires && ExpiryAfter(now, timeToLive) is { } extended && extended > expires)
        {
            ExpiresAt = extended;
        }

        return message;
    }

    /// <summary>
    /// Attaches <paramref name="file"/>, which must be the same user's and not deleting or deleted. Attaching a file
    /// that is already attached returns its attachment (a retry attaches nothing twice).
    /// </summary>
    public ConversationFile AttachFile(StoredFile file, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(file);
        EnsureOpen("attach a file to");
        if (file.UserId != UserId)
        {
            throw new DomainException("file.other_user", $"File {file.Id} belongs to another user than conversation {Id}; only the same user's files attach.");
        }

        if (!file.IsAvailable)
        {
            var status = file.Status.ToString().ToLowerInvariant();
            throw new DomainException($"file.{status}", $"Cannot attach file {file.Id} to conversation {Id}: the file is {status}.");
        }

        var existing = _files.Find(f => f.FileId == file.Id);
        if (existing is not null)
        {
            return existing;
        }

        var attachment = new ConversationFile(Id, file.Id, UserId, now);
        _files.Add(attachment);
        return attachment;
    }

    /// <summary>Detaches the file from the conversation; false when it was not attached. The file itself stays.</summary>
    public bool DetachFile(Guid fileId) => _files.RemoveAll(f => f.FileId == fileId) > 0;

    /// <summary>Replaces the tool's working context (a JSON object) or clears it.</summary>
    public void ReplaceContext(string? contextJson)
    {
        EnsureOpen("change the context of");
        Context = contextJson is null ? null : Guard.Json(contextJson, "context", ConversationLimits.ContextMaxLength, JsonValueKind.Object);
    }

    /// <summary>Archives the conversation; an archived conversation takes no more messages.</summary>
    public void Archive(DateTimeOffset now)
    {
        EnsureOpen("archive");
        ArchivedAt = now;
    }

    private void EnsureOpen(string action)
    {
        if (IsArchived)
        {
            throw new DomainException("conversation.archived", $"Cannot {action} conversation {Id}: it is archived.");
        }
    }
}
