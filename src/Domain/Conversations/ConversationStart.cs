namespace Domain.Conversations;

/// <summary>What a new conversation starts with; everything but the title is optional.</summary>
/// <param name="Title">A title, at most <see cref="ConversationLimits.TitleMaxLength"/> characters.</param>
/// <param name="SessionId">The session it works on (the same owner's, enforced by the database).</param>
/// <param name="ContinuationId">A client's handle to resume it by; unique per user.</param>
/// <param name="ToolName">The tool it serves.</param>
/// <param name="Provider">The model provider it talks to.</param>
/// <param name="ContextJson">The tool's working context, a JSON object.</param>
/// <param name="MetadataJson">Free-form JSON object for the application.</param>
/// <param name="TimeToLive">How long after its last message it may be removed; null: never.</param>
public sealed record ConversationStart(
    string Title,
    Guid? SessionId = null,
    string? ContinuationId = null,
    string? ToolName = null,
    string? Provider = null,
    string? ContextJson = null,
    string? MetadataJson = null,
    TimeSpan? TimeToLive = null);
