using Microsoft.Extensions.Options;

namespace Domain.Application.Files.Deletion;

/// <summary>How the deletion workers of this process work the queue; bound from <c>Domain:FileDeletion</c>.</summary>
public sealed class FileDeletionOptions
{
    public const string SectionName = "Domain:FileDeletion";

    /// <summary>How many workers <see cref="FileDeletionService"/> runs in this process; 0 runs none. Other processes may run theirs.</summary>
    public int Workers { get; set; } = 2;

    /// <summary>How many jobs a worker claims at once (one statement), then works one after the other.</summary>
    public int BatchSize { get; set; } = 5;

    /// <summary>How long a worker waits before looking again when the queue had nothing for it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a claim holds its jobs. A worker that has not finished a job by then (it died, or lost its connection)
    /// loses it, and another worker claims it again. Longer than <see cref="BatchSize"/> × <see cref="RemoveTimeout"/>.
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one removal may take before it counts as a failed attempt.</summary>
    public TimeSpan RemoveTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many attempts a job gets; after the last failure it is failed, with its last error, and the file stays deleting.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The wait after a job's first failed attempt; it doubles with each attempt (less up to 20 % jitter), up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>Checks <see cref="FileDeletionOptions"/> when the host starts; each failure names the option.</summary>
internal sealed class FileDeletionOptionsValidator : IValidateOptions<FileDeletionOptions>
{
    public ValidateOptionsResult Validate(string? name, FileDeletionOptions options)
    {
        var failures = new List<string>();
        void Check(bool ok, string option, string rule, object value)
        {
            if (!ok)
            {
                failures.Add($"{nameof(FileDeletionOptions)}.{option} must be {rule} (got {value}).");
            }
        }

        Check(options.Workers is >= 0 and <= 64, nameof(options.Workers), "between 0 and 64", options.Workers);
        Check(options.BatchSize is >= 1 and <= 100, nameof(options.BatchSize), "between 1 and 100", options.BatchSize);
        Check(options.PollInterval > TimeSpan.Zero, nameof(options.PollInterval), "positive", options.PollInterval);
        Check(options.RemoveTimeout > TimeSpan.Zero, nameof(options.RemoveTimeout), "positive", options.RemoveTimeout);
        Check(options.MaxAttempts is >= 1 and <= 100, nameof(options.MaxAttempts), "between 1 and 100", options.MaxAttempts);
        Check(options.RetryDelay > TimeSpan.Zero, nameof(options.RetryDelay), "positive", options.RetryDelay);
        Check(options.MaxRetryDelay >= options.RetryDelay, nameof(options.MaxRetryDelay), $"at least RetryDelay ({options.RetryDelay})", options.MaxRetryDelay);
        Check(
            options.RemoveTimeout > TimeSpan.Zero && options.Lease.TotalSeconds > options.RemoveTimeout.TotalSeconds * options.BatchSize,
            nameof(options.Lease),
            $"longer than BatchSize × RemoveTimeout ({options.BatchSize} × {options.RemoveTimeout}), or a worker loses jobs it is still working on",
            options.Lease);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
