namespace Domain.Conversations;

/// <summary>Limits of the Conversation aggregate, shared by the EF configuration, the database checks and the validators.</summary>
public static class ConversationLimits
{
    public const int TitleMaxLength = 200;
    public const int ContinuationIdMaxLength = 200;
    public const int ContentMaxLength = 1_000_000;
    public const int MetadataMaxLength = 100_000;
    public const int ContextMaxLength = 1_000_000;
    public const int ToolNameMaxLength = 100;
    public const int ProviderMaxLength = 100;
    public const int ProviderMessageIdMaxLength = 200;

    /// <summary>The most messages one call may append; larger imports go in several calls.</summary>
    public const int MaxMessagesPerAppend = 1_000;
}
