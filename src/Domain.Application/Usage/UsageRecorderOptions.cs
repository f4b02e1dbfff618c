using Domain.Application.Ledgers;

namespace Domain.Application.Usage;

/// <summary>
/// Settings of <see cref="UsageRecorder"/>, bound from the configuration section <see cref="SectionName"/> by
/// <c>AddDomainApplication(configuration)</c> and checked at start; see <see cref="LedgerRecorderOptions"/> for each one.
/// </summary>
public sealed class UsageRecorderOptions : LedgerRecorderOptions
{
    /// <summary>The configuration section the options are bound from: <c>Domain:UsageRecorder</c>.</summary>
    public const string SectionName = "Domain:UsageRecorder";
}
