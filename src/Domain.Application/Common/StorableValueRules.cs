using System.Text.Json;
using Domain.Common;
using FluentValidation;

namespace Domain.Application.Common;

/// <summary>
/// Validation rules for text and JSON that PostgreSQL must store exactly as the caller sent them: the model's own
/// checks (<see cref="StorableText"/>, <see cref="StorableJson"/>), reported as a field error with the reason.
/// </summary>
public static class StorableValueRules
{
    private const string Problem = "Problem";

    /// <summary>Text without NUL characters or unpaired surrogates; null passes (pair with NotEmpty when required).</summary>
    public static IRuleBuilderOptions<T, string?> StorableText<T>(this IRuleBuilder<T, string?> rule)
        => rule.Must((_, value, context) => Check(value is null ? null : Domain.Common.StorableText.Problem(value), context))
            .WithMessage($"'{{PropertyName}}' {{{Problem}}}.");

    /// <summary>JSON that PostgreSQL stores as sent (see <see cref="StorableJson"/>), of <paramref name="kind"/> when given; null passes.</summary>
    public static IRuleBuilderOptions<T, string?> StorableJson<T>(this IRuleBuilder<T, string?> rule, JsonValueKind? kind = null)
        => rule.Must((_, value, context) => Check(value is null ? null : Domain.Common.StorableJson.Problem(value, kind), context))
            .WithMessage($"'{{PropertyName}}' {{{Problem}}}.");

    private static bool Check<T>(string? problem, ValidationContext<T> context)
    {
        if (problem is null)
        {
            return true;
        }

        context.MessageFormatter.AppendArgument(Problem, problem);
        return false;
    }
}
