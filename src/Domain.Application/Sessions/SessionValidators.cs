using System.Text.Json;
using Domain.Application.Common;
using Domain.Sessions;
using FluentValidation;

namespace Domain.Application.Sessions;

public sealed class CreateSessionRequestValidator : AbstractValidator<CreateSessionRequest>
{
    public CreateSessionRequestValidator()
    {
        RuleFor(r => r.Title).NotEmpty().Must(t => !string.IsNullOrWhiteSpace(t)).WithMessage("'Title' must not be blank.")
            .MaximumLength(SessionLimits.TitleMaxLength).StorableText();
        RuleFor(r => r.Description).MaximumLength(SessionLimits.DescriptionMaxLength).StorableText();
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
