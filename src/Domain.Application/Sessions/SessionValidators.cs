using System.Text.Json;
using Domain.Sessions;
using FluentValidation;

namespace Domain.Application.Sessions;

public sealed class CreateSessionRequestValidator : AbstractValidator<CreateSessionRequest>
{
    public CreateSessionRequestValidator()
    {
        RuleFor(r => r.Title).NotEmpty().Must(t => !string.IsNullOrWhiteSpace(t)).WithMessage("'Title' must not be blank.")
            .MaximumLength(SessionLimits.TitleMaxLength);
        RuleFor(r => r.Description).MaximumLength(SessionLimits.DescriptionMaxLength);
    }
}

public sealed class AddRevisionRequestValidator : AbstractValidator<AddRevisionRequest>
{
    public AddRevisionRequestValidator()
    {
        RuleFor(r => r.Ir).NotEmpty().MaximumLength(SessionLimits.IrMaxLength)
            .Must(json => JsonRules.IsKind(json, JsonValueKind.Object)).WithMessage("'Ir' must be a JSON object.");
        RuleFor(r => r.ChangeSummary).MaximumLength(SessionLimits.ChangeSummaryMaxLength);
    }
}

public sealed class AddDraftRequestValidator : AbstractValidator<AddDraftRequest>
{
    public AddDraftRequestValidator()
    {
        RuleFor(r => r.Code).NotEmpty().MaximumLength(SessionLimits.CodeMaxLength);
        RuleFor(r => r.Language).NotEmpty().MaximumLength(SessionLimits.LanguageMaxLength).Matches(SessionLimits.LanguagePattern);
        RuleFor(r => r.ValidationDetails).MaximumLength(SessionLimits.ValidationDetailsMaxLength)
            .Must(json => json is null || JsonRules.IsKind(json, kind: null)).WithMessage("'Validation Details' must be JSON.");
    }
}

public sealed class ResolveHoleRequestValidator : AbstractValidator<ResolveHoleRequest>
{
    public ResolveHoleRequestValidator()
    {
        RuleFor(r => r.HoleId).NotEmpty().MaximumLength(SessionLimits.HoleIdMaxLength).Matches(SessionLimits.HoleIdPattern);
        RuleFor(r => r.ResolutionValue).NotEmpty().MaximumLength(SessionLimits.ResolutionValueMaxLength)
            .Must(json => JsonRules.IsKind(json, kind: null)).WithMessage("'Resolution Value' must be JSON.");
        RuleFor(r => r.Confidence).Must(c => !double.IsNaN(c)).WithMessage("'Confidence' must be a number.")
            .InclusiveBetween(SessionLimits.MinConfidence, SessionLimits.MaxConfidence);
    }
}

internal static class JsonRules
{
    public static bool IsKind(string? json, JsonValueKind? kind)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return kind is null || document.RootElement.ValueKind == kind;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
