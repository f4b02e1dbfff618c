using Domain.Application.Common;
using Domain.Common;
using Domain.Persistence.Errors;
using FluentValidation;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Domain.AspNetCore.Problems;

/// <summary>
/// The one mapping from the layer's exceptions to HTTP problem details (RFC 9457). What it maps:
/// <list type="table">
/// <item><term>404</term><description><see cref="NotFoundException"/>: the row does not exist or row-level security
/// hides it; the two are the same to a caller, and the response says so.</description></item>
/// <item><term>409</term><description><see cref="ConcurrencyConflictException"/> (reload and retry),
/// <see cref="UniqueViolationException"/>, <see cref="ReferenceViolationException"/>, and <see cref="DomainException"/>
/// (the request conflicts with the aggregate's state, e.g. an archived session; <c>code</c> names the rule).</description></item>
/// <item><term>422</term><description>FluentValidation's <see cref="ValidationException"/>, with the errors per field
/// (<c>errors</c>), and <see cref="ConstraintViolationException"/>.</description></item>
/// <item><term>403</term><description><see cref="RlsViolationException"/>: a policy or grant refused the write.</description></item>
/// <item><term>503</term><description>a transient failure (<see cref="DatabaseErrorTranslator.IsTransient"/>:
/// connection refused or reset, timeout), with <c>Retry-After</c>.</description></item>
/// </list>
/// Anything else is left to the host (500, with no detail outside Development).
/// </summary>
public static class DomainProblems
{
    /// <summary>The problem details for <paramref name="exception"/>, or null when it is not one the layer maps.</summary>
    public static ProblemDetails? For(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            NotFoundException notFound => Problem(StatusCodes.Status404NotFound, "Not found", notFound.Message),
            ValidationException validation => Validation(validation),
            DomainException domain => WithCode(Problem(StatusCodes.Status409Conflict, "The request conflicts with the current state", domain.Message), domain.Code),
            ConcurrencyConflictException conflict => WithCode(
                Problem(StatusCodes.Status409Conflict, "Changed by someone else", conflict.Message), "concurrency_conflict"),
            UniqueViolationException unique => WithCode(Problem(
                StatusCodes.Status409Conflict, "Already exists", $"A row with the same unique value exists ({unique.ConstraintName}); nothing was saved."),
                "unique_violation"),
            ReferenceViolationException reference => WithCode(Problem(
                StatusCodes.Status409Conflict, "Refers to a missing row",
                $"A referenced row does not exist or is not yours ({reference.ConstraintName}); nothing was saved."), "reference_violation"),
            ConstraintViolationException constraint => WithCode(Problem(
                StatusCodes.Status422UnprocessableEntity, "Value refused", $"A value was refused by {constraint.ConstraintName}; nothing was saved."),
                "constraint_violation"),
            RlsViolationException rls => WithCode(Problem(StatusCodes.Status403Forbidden, "Not allowed", rls.Message), "rls_violation"),
            _ when DatabaseErrorTranslator.IsTransient(exception) => Problem(
                StatusCodes.Status503ServiceUnavailable, "Temporarily unavailable", "The database could not be reached or asked for a retry; try again shortly."),
            _ => null,
        };
    }

    /// <summary>401: the request needs credentials, or the ones it presented were refused (<paramref name="detail"/> says why).</summary>
    public static ProblemDetails Unauthorized(string detail) => Problem(StatusCodes.Status401Unauthorized, "Unauthorized", detail);

    /// <summary>403: the caller is known and may not do this (<paramref name="detail"/> says what).</summary>
    public static ProblemDetails Forbidden(string detail) => Problem(StatusCodes.Status403Forbidden, "Forbidden", detail);

    private static HttpValidationProblemDetails Validation(ValidationException validation)
    {
        var errors = validation.Errors
            .GroupBy(e => string.IsNullOrEmpty(e.PropertyName) ? string.Empty : e.PropertyName, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);
        return new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = "The request is not valid",
            Detail = errors.Count == 0 ? validation.Message : "See errors for each field.",
        };
    }

    private static ProblemDetails Problem(int status, string title, string detail) => new() { Status = status, Title = title, Detail = detail };

    private static ProblemDetails WithCode(ProblemDetails problem, string code)
    {
        problem.Extensions["code"] = code;
        return problem;
    }
}
