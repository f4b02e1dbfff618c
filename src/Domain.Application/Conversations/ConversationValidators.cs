using System.Text.Json;
using Domain.Application.Common;
using Domain.Conversations;
using FluentValidation;
using Microsoft.Extensions.Options;

namespace Domain.Application.Conversations;

public sealed class StoreConversationRequestValidator : AbstractValidator<StoreConversationRequest>
{
    public StoreConversationRequestValidator()
    {
        RuleFor(r => r.Title).NotEmpty().Must(t => !string.IsNullOrWhiteSpace(t)).WithMessage("'{PropertyName}' must not be blank.")
            .MaximumLength(ConversationLimits.TitleMaxLength).StorableText();
        RuleFor(r => r.ContinuationId).MaximumLength(ConversationLimits.ContinuationIdMaxLength).StorableText();
        RuleFor(r => r.ToolName).MaximumLength(ConversationLimits.ToolNameMaxLength).StorableText();
        RuleFor(r => r.Provider).MaximumLength(ConversationLimits.ProviderMaxLength).StorableText();
        RuleFor(r => r.SessionId).NotEqual(Guid.Empty);
        RuleFor(r => r.Context).MaximumLength(ConversationLimits.ContextMaxLength).StorableJson(JsonValueKind.Object);
        RuleFor(r => r.Metadata).MaximumLength(ConversationLimits.MetadataMaxLength).StorableJson(JsonValueKind.Object);
    }
}

public sealed class AppendMessageRequestValidator : AbstractValidator<AppendMessageRequest>
{
    public AppendMessageRequestValidator()
    {
        RuleFor(r => r.Role).IsInEnum();
        RuleFor(r => r.Content).NotEmpty().MaximumLength(ConversationLimits.ContentMaxLength).StorableText();
        RuleFor(r => r.PromptTokens).GreaterThanOrEqualTo(0);
        RuleFor(r => r.CompletionTokens).GreaterThanOrEqualTo(0);
        RuleFor(r => r.Provider).MaximumLength(ConversationLimits.ProviderMaxLength).StorableText()
            .NotEmpty().When(r => r.ProviderMessageId is not null).WithMessage("'{PropertyName}' is required with a provider message id.");
        RuleFor(r => r.ProviderMessageId).MaximumLength(ConversationLimits.ProviderMessageIdMaxLength).StorableText();
        RuleFor(r => r.Metadata).MaximumLength(ConversationLimits.MetadataMaxLength).StorableJson(JsonValueKind.Object);
    }
}

public sealed class AppendMessagesRequestValidator : AbstractValidator<AppendMessagesRequest>
{
    public AppendMessagesRequestValidator()
    {
        RuleFor(r => r.Messages).NotEmpty().Must(m => m.Count <= ConversationLimits.MaxMessagesPerAppend)
            .WithMessage($"'{{PropertyName}}' holds at most {ConversationLimits.MaxMessagesPerAppend} messages per call.");
        RuleForEach(r => r.Messages).NotNull().SetValidator(new AppendMessageRequestValidator());
    }
}

public sealed class MessageHistoryRequestValidator : AbstractValidator<MessageHistoryRequest>
{
    public MessageHistoryRequestValidator()
    {
        RuleFor(r => r.PageSize).InclusiveBetween(1, MessageHistoryRequest.MaxPageSize);
        RuleFor(r => r.Cursor).GreaterThanOrEqualTo(1);
    }
}

public sealed class ListConversationsRequestValidator : AbstractValidator<ListConversationsRequest>
{
    public ListConversationsRequestValidator()
    {
        RuleFor(r => r.PageSize).InclusiveBetween(1, ListConversationsRequest.MaxPageSize);
    }
}

public sealed class RenameConversationRequestValidator : AbstractValidator<RenameConversationRequest>
{
    public RenameConversationRequestValidator()
    {
        RuleFor(r => r.Title).NotEmpty().Must(t => !string.IsNullOrWhiteSpace(t)).WithMessage("'{PropertyName}' must not be blank.")
            .MaximumLength(ConversationLimits.TitleMaxLength).StorableText();
    }
}

public sealed class ReplaceConversationContextRequestValidator : AbstractValidator<ReplaceConversationContextRequest>
{
    public ReplaceConversationContextRequestValidator()
    {
        RuleFor(r => r.Context).MaximumLength(ConversationLimits.ContextMaxLength).StorableJson(JsonValueKind.Object);
    }
}

public sealed class ConversationIdsRequestValidator : AbstractValidator<ConversationIdsRequest>
{
    public ConversationIdsRequestValidator()
    {
        RuleFor(r => r.Ids).NotEmpty().Must(ids => ids.Count <= ConversationIdsRequest.MaxIds)
            .WithMessage($"'{{PropertyName}}' holds at most {ConversationIdsRequest.MaxIds} ids per call.");
        RuleForEach(r => r.Ids).NotEqual(Guid.Empty);
    }
}

/// <summary>Checks <see cref="ConversationOptions"/> when the host starts; each failure names the option.</summary>
internal sealed class ConversationOptionsValidator : IValidateOptions<ConversationOptions>
{
    public ValidateOptionsResult Validate(string? name, ConversationOptions options)
    {
        var failures = new List<string>();
        if (options.TimeToLive is { } ttl && ttl <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(ConversationOptions)}.{nameof(ConversationOptions.TimeToLive)} must be positive or null (got {ttl}).");
        }

        if (options.CleanupBatchSize is < 1 or > 100_000)
        {
            failures.Add($"{nameof(ConversationOptions)}.{nameof(ConversationOptions.CleanupBatchSize)} must be between 1 and 100000 (got {options.CleanupBatchSize}).");
        }

        if (options.CleanupInterval is { } interval && interval <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(ConversationOptions)}.{nameof(ConversationOptions.CleanupInterval)} must be positive or null (got {interval}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
