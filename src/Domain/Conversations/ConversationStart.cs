namespace Domain.Conversations;

/// <summary>What a new conversation starts with; everything but the title is optional.</summary>
/// <param name="title">A title, at most <see cref="ConversationLimits.TitleMaxLength"/> characters.</param>
/// <param name="sessionId">The session it works on (the same owner's, enforced by the database).</param>
/// <param name="continuationId">A client's handle to resume it by; unique per user.</param>
/// <param name="toolName">The tool it serves.</param>
/// <param name="provider">The model provider it talks to.</param>
/// <param name="contextJson">The tool's working context, a JSON object.</param>
/// <param name="metadataJson">Free-form JSON object for the application.</param>
/// <param name="timeToLive">How long after its last message it may be removed; null: never.</param>
public sealed class ConversationStart(
    string title,
    Guid? sessionId = null,
    string? continuationId = null,
    string? toolName = null,
    string? provider = null,
    string? contextJson = null,
    string? metadataJson = null,
    TimeSpan? timeToLive = null)
{
    public string Title { get; } = title;

    public Guid? SessionId { get; } = sessionId;

    public string? ContinuationId { get; } = continuationId;

    public string? ToolName { get; } = toolName;

    public string? Provider { get; } = provider;

    public string? ContextJson { get; } = contextJson;

    public string? MetadataJson { get; } = metadataJson;

    public TimeSpan? TimeToLive { get; } = timeToLive;
}
