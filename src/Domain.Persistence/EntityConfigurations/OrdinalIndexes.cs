namespace Domain.Persistence.EntityConfigurations;

/// <summary>
/// The unique indexes that keep an ordinal unique within its parent (a revision number in its session, a message's
/// sequence in its conversation). A violation of one means a concurrent writer took the number first, which is a
/// retryable conflict rather than bad input; the configurations name the indexes with these constants and the error
/// translation recognises them by the same constants.
/// </summary>
internal static class OrdinalIndexes
{
    public const string SessionRevisionNumber = "ix_session_revisions_session_id_revision_number";
    public const string MessageSequence = "ix_messages_conversation_id_sequence";

    /// <summary>A unique constraint rather than an index: the key the active version of a prompt references.</summary>
    public const string PromptVersionNumber = "ak_prompt_versions_prompt_id_version_number";

    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal) { SessionRevisionNumber, MessageSequence, PromptVersionNumber };
}
