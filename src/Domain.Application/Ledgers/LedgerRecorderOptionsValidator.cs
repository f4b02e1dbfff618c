using Microsoft.Extensions.Options;

namespace Domain.Application.Ledgers;

/// <summary>
/// Checks a recorder's options when the options pattern builds them (and so at start, with <c>ValidateOnStart</c>):
/// every option that cannot work is reported, each message naming its option.
/// </summary>
internal sealed class LedgerRecorderOptionsValidator<TOptions> : IValidateOptions<TOptions>
    where TOptions : LedgerRecorderOptions
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.FindProblems().Select(problem => problem.Message).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
