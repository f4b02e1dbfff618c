using System.Text.Json;
using Domain.Common;

namespace Domain.Conversations;

/// <summary>What a message says and what it cost; the conversation gives it its sequence number.</summary>
/// <param name="role">Who speaks.</param>
/// <param name="content">The text, at most <see cref="ConversationLimits.ContentMaxLength"/> characters.</param>
/// <param name="promptTokens">Tokens the provider counted for the prompt, when known.</param>
/// <param name="completionTokens">Tokens the provider counted for the completion, when known.</param>
/// <param name="tokenCount">Total tokens, when known; the sum of the two above when only they are given.</param>
/// <param name="provider">The provider that produced or received it.</param>
/// <param name="providerMessageId">The provider's id of the message; unique per conversation and provider.</param>
/// <param name="metadataJson">Optional JSON object (tool calls, say).</param>
public sealed class MessageContent(
    MessageRole role,
    string content,
    int? promptTokens = null,
    int? completionTokens = null,
    int? tokenCount = null,
    string? provider = null,
    string? providerMessageId = null,
    string? metadataJson = null)
{
    public MessageRole Role { get; } = role;

    public string Content { get; } = content;

    public int? PromptTokens { get; } = promptTokens;

    public int? CompletionTokens { get; } = completionTokens;

    public int? TokenCount { get; } = tokenCount;

    public string? Provider { get; } = provider;

    public string? ProviderMessageId { get; } = providerMessageId;

    public string? MetadataJson { get; } = metadataJson;

    /// <summary>The same content with every field checked and normalised (the total filled in), or a <see cref="DomainException"/>.</summary>
    public static MessageContent Validate(MessageContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (!Enum.IsDefined(content.Role))
        {
            throw new DomainException("role.invalid", $"role {(int)content.Role} is not one of {string.Join(", ", Enum.GetNames<MessageRole>())}.");
        }

        var prompt = NotNegative(content.PromptTokens, "prompt_tokens");
        var completion = NotNegative(content.CompletionTokens, "completion_tokens");
        var total = NotNegative(content.TokenCount, "token_count")
            ?? (prompt is null && completion is null ? null : checked((prompt ?? 0) + (completion ?? 0)));
        if (content.ProviderMessageId is not null && content.Provider is null)
        {
            throw new DomainException("provider.required", "provider is required with provider_message_id.");
        }

        return new MessageContent(
            content.Role,
            Guard.Content(content.Content, "content", ConversationLimits.ContentMaxLength),
            prompt,
            completion,
            total,
            Guard.OptionalText(content.Provider, "provider", ConversationLimits.ProviderMaxLength),
            Guard.OptionalText(content.ProviderMessageId, "provider_message_id", ConversationLimits.ProviderMessageIdMaxLength),
            content.MetadataJson is null ? null : Guard.Json(content.MetadataJson, "metadata", ConversationLimits.MetadataMaxLength, JsonValueKind.Object));
    }

    private static int? NotNegative(int? value, string name) => value is < 0
        ? throw new DomainException($"{name}.negative", $"{name} must not be negative (got {value}).")
        : value;
}
