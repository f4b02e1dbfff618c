using Domain.Application.Ledgers;

namespace Domain.Application.Prompts;

/// <summary>
/// Settings of <see cref="PromptPerformanceRecorder"/>, bound from the configuration section <see cref="SectionName"/> by
/// <c>AddDomainApplication(configuration)</c> and checked at start; see <see cref="LedgerRecorderOptions"/> for each one.
/// </summary>
public sealed class PromptPerformanceRecorderOptions : LedgerRecorderOptions
{
    /// <summary>The configuration section the options are bound from: <c>Domain:PromptPerformanceRecorder</c>.</summary>
    public const string SectionName = "Domain:PromptPerformanceRecorder";
}
