namespace Domain.Conversations;

/// <summary>
/// A file attached to a conversation (seed 004's <c>conversation_files</c>): the same user's conversation and file,
/// each file at most once per conversation. Created by <see cref="Conversation.AttachFile"/>; removed with the
/// conversation or the file's row.
/// </summary>
public sealed class ConversationFile
{
    private ConversationFile()
    {
    }

    internal ConversationFile(Guid conversationId, Guid fileId, Guid userId, DateTimeOffset attachedAt)
    {
        ConversationId = conversationId;
        FileId = fileId;
        UserId = userId;
        AttachedAt = attachedAt;
    }

    public Guid ConversationId { get; private set; }

    public Guid FileId { get; private set; }

    /// <summary>The owner of both the conversation and the file.</summary>
    public Guid UserId { get; private set; }

    public DateTimeOffset AttachedAt { get; private set; }
}
