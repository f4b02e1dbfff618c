using Domain.Conversations;

namespace Domain.Application.Conversations;

/// <summary>
/// Input to store a conversation, or to continue the caller's existing one with the same
/// <see cref="ContinuationId"/> (seed 004's <c>store_conversation</c>): with a continuation id, two concurrent calls
/// end with one conversation and both get it; without one, a new conversation is started.
/// </summary>
public sealed record StoreConversationRequest(
    string Title,
    string? ContinuationId = null,
    string? ToolName = null,
    string? Provider = null,
    Guid? SessionId = null,
    string? Context = null,
    string? Metadata = null);

/// <summary>Input to append one message (seed 004's messages; seed 001's chat messages with their token usage).</summary>
public sealed record AppendMessageRequest(
    MessageRole Role,
    string Content,
    int? PromptTokens = null,
    int? CompletionTokens = null,
    string? Provider = null,
    string? ProviderMessageId = null,
    string? Metadata = null);

/// <summary>Input to append several messages in order, in one transaction (all or none).</summary>
public sealed record AppendMessagesRequest(IReadOnlyList<AppendMessageRequest> Messages);

/// <summary>
/// Input to read a conversation's history by keyset: newest first (the page before <see cref="Cursor"/>) or oldest
/// first (the page after it). Pass the last message's sequence of a page as the next page's cursor.
/// </summary>
public sealed record MessageHistoryRequest(int PageSize = MessageHistoryRequest.DefaultPageSize, int? Cursor = null, bool NewestFirst = true)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;
}

/// <summary>Where a page of conversations starts: after the one with this last activity and id.</summary>
public sealed record ConversationCursor(DateTimeOffset LastActivityAt, Guid Id);

/// <summary>Input to list conversations by last activity, newest first.</summary>
public sealed record ListConversationsRequest(int PageSize = ListConversationsRequest.DefaultPageSize, ConversationCursor? After = null)
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 200;

    /// <summary>The request for the page after <paramref name="last"/>, the last conversation of the previous page.</summary>
    public static ListConversationsRequest NextPage(ConversationDto last, int pageSize = DefaultPageSize)
        => new(pageSize, new ConversationCursor(last.LastActivityAt, last.Id));
}

/// <summary>Input to rename a conversation.</summary>
public sealed record RenameConversationRequest(string Title);

/// <summary>Input to replace a conversation's working context (a JSON object) or clear it (null).</summary>
public sealed record ReplaceConversationContextRequest(string? Context);

/// <summary>Input to archive or delete many of the caller's conversations at once (one statement; RLS limits it to theirs).</summary>
public sealed record ConversationIdsRequest(IReadOnlyList<Guid> Ids)
{
    public const int MaxIds = 1_000;
}

public sealed record ConversationDto(
    Guid Id,
    Guid UserId,
    Guid? SessionId,
    string? ContinuationId,
    string Title,
    string? ToolName,
    string? Provider,
    string Metadata,
    string? Context,
    int MessageCount,
    DateTimeOffset? LastMessageAt,
    DateTimeOffset LastActivityAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ArchivedAt);

public sealed record MessageDto(
    Guid Id,
    Guid ConversationId,
    int Sequence,
    MessageRole Role,
    string Content,
    int? PromptTokens,
    int? CompletionTokens,
    int? TokenCount,
    string? Provider,
    string? ProviderMessageId,
    string? Metadata,
    DateTimeOffset CreatedAt);
