using Domain.Application.Common;
using Domain.Prompts;
using FluentValidation;

namespace Domain.Application.Prompts;

/// <summary>The rule every request naming a prompt applies to its tool and provider.</summary>
internal static class PromptNameRules
{
    /// <summary>Required, without surrounding white space (the model trims, and lookups compare exactly), within the limit, storable.</summary>
    public static IRuleBuilderOptions<T, string?> PromptName<T>(this IRuleBuilder<T, string?> rule, int maxLength)
        => rule.NotEmpty()
            .Must(v => v is null || v.Trim() == v).WithMessage("'{PropertyName}' must not start or end with white space.")
            .MaximumLength(maxLength)
            .StorableText();
}

public sealed class StorePromptVersionRequestValidator : AbstractValidator<StorePromptVersionRequest>
{
    public StorePromptVersionRequestValidator()
    {
        RuleFor(r => r.ToolName).PromptName(PromptLimits.ToolNameMaxLength);
        RuleFor(r => r.Provider).PromptName(PromptLimits.ProviderMaxLength);
        RuleFor(r => r.Content).NotEmpty().MaximumLength(PromptLimits.ContentMaxLength).StorableText();
        RuleFor(r => r.Notes).MaximumLength(PromptLimits.NotesMaxLength).StorableText();
        RuleFor(r => r.Tier).InclusiveBetween(PromptLimits.MinTier, PromptLimits.MaxTier);
        RuleFor(r => r.Description).MaximumLength(PromptLimits.DescriptionMaxLength).StorableText();
    }
}

public sealed class ActivatePromptVersionRequestValidator : AbstractValidator<ActivatePromptVersionRequest>
{
    public ActivatePromptVersionRequestValidator()
    {
        RuleFor(r => r.ToolName).PromptName(PromptLimits.ToolNameMaxLength);
        RuleFor(r => r.Provider).PromptName(PromptLimits.ProviderMaxLength);
        RuleFor(r => r.VersionNumber).GreaterThanOrEqualTo(1);
    }
}

public sealed class RollBackPromptRequestValidator : AbstractValidator<RollBackPromptRequest>
{
    public RollBackPromptRequestValidator()
    {
        RuleFor(r => r.ToolName).PromptName(PromptLimits.ToolNameMaxLength);
        RuleFor(r => r.Provider).PromptName(PromptLimits.ProviderMaxLength);
        RuleFor(r => r.ToVersionNumber).GreaterThanOrEqualTo(1);
    }
}

public sealed class PromptVersionsRequestValidator : AbstractValidator<PromptVersionsRequest>
{
    public PromptVersionsRequestValidator()
    {
        RuleFor(r => r.ToolName).PromptName(PromptLimits.ToolNameMaxLength);
        RuleFor(r => r.Provider).PromptName(PromptLimits.ProviderMaxLength);
    }
}
