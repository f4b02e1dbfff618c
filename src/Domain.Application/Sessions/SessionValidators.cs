using System.Text.Json;
using Domain.Application.Common;
using Domain.Sessions;
using FluentValidation;

namespace Domain.Application.Sessions;

public sealed class CreateSessionRequestValidator : AbstractValidator<CreateSessionRequest>
{
    public CreateSessionRequestValidator()
    {
        RuleFor(r => r.Title).SessionTitle();
        RuleFor(r => r.Description).SessionDescription();
    }
}

public sealed class RetitleSessionRequestValidator : AbstractValidator<RetitleSessionRequest>
{
    public RetitleSessionRequestValidator()
    {
        RuleFor(r => r.Title).SessionTitle();
        RuleFor(r => r.Description).SessionDescription();
    }
}

public sealed class ListSessionsRequestValidator : AbstractValidator<ListSessionsRequest>
{
    public ListSessionsRequestValidator()
    {
        RuleFor(r => r.PageSize).InclusiveBetween(1, ListSessionsRequest.MaxPageSize);
        RuleFor(r => r.Status).IsInEnum();
    }
}

public sealed class ReplaceSessionMetadataRequestValidator : AbstractValidator<ReplaceSessionMetadataRequest>
{
    public ReplaceSessionMetadataRequestValidator()
    {
        RuleFor(r => r.Metadata).NotEmpty().MaximumLength(SessionLimits.MetadataMaxLength).StorableJson(JsonValueKind.Object);
    }
}

public sealed class SessionIdsRequestValidator : AbstractValidator<SessionIdsRequest>
{
    public SessionIdsRequestValidator()
    {
        RuleFor(r => r.Ids).NotEmpty().Must(ids => ids.Count <= SessionIdsRequest.MaxIds)
            .WithMessage($"'{{PropertyName}}' holds at most {SessionIdsRequest.MaxIds} ids per call.");
        RuleForEach(r => r.Ids).NotEqual(Guid.Empty);
    }
}

public sealed class AddRevisionRequestValidator : AbstractValidator<AddRevisionRequest>
{
    public AddRevisionRequestValidator()
    {
        RuleFor(r => r.Ir).NotEmpty().MaximumLength(SessionLimits.IrMaxLength).StorableJson(JsonValueKind.Object);
        RuleFor(r => r.ChangeSummary).MaximumLength(SessionLimits.ChangeSummaryMaxLength).StorableText();
    }
}

public sealed class AddDraftRequestValidator : AbstractValidator<AddDraftRequest>
{
    public AddDraftRequestValidator()
    {
        RuleFor(r => r.Code).NotEmpty().MaximumLength(SessionLimits.CodeMaxLength).StorableText();
        RuleFor(r => r.Language).NotEmpty().MaximumLength(SessionLimits.LanguageMaxLength).Matches(SessionLimits.LanguagePattern);
        RuleFor(r => r.ValidationDetails).MaximumLength(SessionLimits.ValidationDetailsMaxLength).StorableJson();
    }
}

public sealed class ResolveHoleRequestValidator : AbstractValidator<ResolveHoleRequest>
{
    public ResolveHoleRequestValidator()
    {
        RuleFor(r => r.HoleId).NotEmpty().MaximumLength(SessionLimits.HoleIdMaxLength).Matches(SessionLimits.HoleIdPattern);
        RuleFor(r => r.ResolutionValue).NotEmpty().MaximumLength(SessionLimits.ResolutionValueMaxLength).StorableJson();
        RuleFor(r => r.Confidence).Must(c => !double.IsNaN(c)).WithMessage("'Confidence' must be a number.")
            .InclusiveBetween(SessionLimits.MinConfidence, SessionLimits.MaxConfidence);
    }
}

/// <summary>Rules for the fields several session requests share, defined once.</summary>
internal static class SessionFieldRules
{
    public static IRuleBuilderOptions<T, string> SessionTitle<T>(this IRuleBuilder<T, string> rule)
        => rule.NotEmpty().Must(t => !string.IsNullOrWhiteSpace(t)).WithMessage("'{PropertyName}' must not be blank.")
            .MaximumLength(SessionLimits.TitleMaxLength).StorableText()!;

    public static IRuleBuilderOptions<T, string?> SessionDescription<T>(this IRuleBuilder<T, string?> rule)
        => rule.MaximumLength(SessionLimits.DescriptionMaxLength).StorableText();
}
