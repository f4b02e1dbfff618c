using System.Text.Json;
using Domain.Application.Common;
using Domain.Identity;
using Domain.Usage;
using FluentValidation;

namespace Domain.Application.Identity;

public sealed class UpdateProfileRequestValidator : AbstractValidator<UpdateProfileRequest>
{
    public UpdateProfileRequestValidator()
    {
        RuleFor(r => r.DisplayName).MaximumLength(IdentityLimits.DisplayNameMaxLength).StorableText();
        RuleFor(r => r.AvatarUrl).MaximumLength(IdentityLimits.AvatarUrlMaxLength)
            .Must(url => url is null || UserProfile.IsHttpUrl(url)).WithMessage("'{PropertyName}' must be an absolute http or https URL.");
        RuleFor(r => r.Preferences).MaximumLength(IdentityLimits.PreferencesMaxLength).StorableJson(JsonValueKind.Object);
    }
}

public sealed class SetRoleRequestValidator : AbstractValidator<SetRoleRequest>
{
    public SetRoleRequestValidator()
    {
        RuleFor(r => r.Role).IsInEnum();
    }
}

public sealed class SetMonthlyLimitsRequestValidator : AbstractValidator<SetMonthlyLimitsRequest>
{
    public SetMonthlyLimitsRequestValidator()
    {
        RuleFor(r => r.Tokens).GreaterThanOrEqualTo(0);
        RuleFor(r => r.CostUsd).Cost();
    }
}

public sealed class ListProfilesRequestValidator : AbstractValidator<ListProfilesRequest>
{
    public ListProfilesRequestValidator()
    {
        RuleFor(r => r.PageSize).InclusiveBetween(1, ListProfilesRequest.MaxPageSize);
    }
}

public sealed class CreateApiKeyRequestValidator : AbstractValidator<CreateApiKeyRequest>
{
    public CreateApiKeyRequestValidator()
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(IdentityLimits.ApiKeyNameMaxLength).StorableText()
            .Must(name => !string.IsNullOrWhiteSpace(name)).WithMessage("'{PropertyName}' must not be blank.");
        RuleFor(r => r.Scopes).NotNull().Must(scopes => scopes is { Count: > 0 } && scopes.Distinct(StringComparer.Ordinal).Count() <= IdentityLimits.MaxScopesPerKey)
            .WithMessage($"'{{PropertyName}}' holds between 1 and {IdentityLimits.MaxScopesPerKey} distinct scopes.");
        RuleForEach(r => r.Scopes).NotEmpty().MaximumLength(IdentityLimits.ScopeMaxLength).Matches(IdentityLimits.ScopePattern)
            .WithMessage("'{PropertyName}' must be lower-case words joined by ':' or '.', for example sessions:read.");
        RuleFor(r => r.UserId).NotEqual(Guid.Empty);
    }
}

public sealed class ListApiKeysRequestValidator : AbstractValidator<ListApiKeysRequest>
{
    public ListApiKeysRequestValidator()
    {
        RuleFor(r => r.UserId).NotEqual(Guid.Empty);
        RuleFor(r => r.PageSize).InclusiveBetween(1, ListApiKeysRequest.MaxPageSize);
    }
}

public sealed class CheckUsageLimitsRequestValidator : AbstractValidator<CheckUsageLimitsRequest>
{
    public CheckUsageLimitsRequestValidator()
    {
        RuleFor(r => r.UserId).NotEqual(Guid.Empty);
        RuleFor(r => r.EstimatedTokens).GreaterThanOrEqualTo(0);
        RuleFor(r => (decimal?)r.EstimatedCostUsd).Cost().OverridePropertyName(nameof(CheckUsageLimitsRequest.EstimatedCostUsd));
    }
}

internal static class CostRules
{
    /// <summary>Null, or a cost the ledger can hold: 0 to <see cref="UsageLimits.MaxCostUsd"/> with at most <see cref="UsageLimits.CostScale"/> decimals.</summary>
    public static IRuleBuilderOptions<T, decimal?> Cost<T>(this IRuleBuilder<T, decimal?> rule)
        => rule.Must(cost => cost is null || (cost >= 0 && cost <= UsageLimits.MaxCostUsd && decimal.Round(cost.Value, UsageLimits.CostScale) == cost))
            .WithMessage($"'{{PropertyName}}' must be between 0 and {UsageLimits.MaxCostUsd} US dollars with at most {UsageLimits.CostScale} decimals.");
}
