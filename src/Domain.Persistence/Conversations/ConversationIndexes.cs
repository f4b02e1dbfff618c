namespace Domain.Persistence.Conversations;

/// <summary>
/// Unique indexes of the Conversation aggregate whose violation means something other than bad input, so callers
/// recognise them in the <c>ConstraintName</c> of a <see cref="Errors.UniqueViolationException"/>.
/// </summary>
public static class ConversationIndexes
{
    /// <summary>One conversation per user and continuation id: a violation means the conversation already exists.</summary>
    public const string ContinuationId = "ix_conversations_user_id_continuation_id";

    /// <summary>A provider's message once per conversation: a violation means the message is already stored.</summary>
    public const string ProviderMessageId = "ix_messages_conversation_id_provider_provider_message_id";
}
