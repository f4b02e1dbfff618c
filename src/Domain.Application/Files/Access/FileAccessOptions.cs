using Microsoft.Extensions.Options;

namespace Domain.Application.Files.Access;

/// <summary>How <see cref="FileAccessRecorder"/> writes the accesses it coalesces; bound from <c>Domain:FileAccess</c>.</summary>
public sealed class FileAccessOptions
{
    public const string SectionName = "Domain:FileAccess";

    /// <summary>How often the accesses waiting are written, in one statement.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>When this many files have accesses waiting, they are written at once rather than at the next interval.</summary>
    public int FlushThreshold { get; set; } = 10_000;

    /// <summary>The first wait after a failed flush, doubling per failure up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>Checks <see cref="FileAccessOptions"/> when the host starts; each failure names the option.</summary>
internal sealed class FileAccessOptionsValidator : IValidateOptions<FileAccessOptions>
{
    public ValidateOptionsResult Validate(string? name, FileAccessOptions options)
    {
        var failures = new List<string>();
        if (options.FlushInterval <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(FileAccessOptions)}.{nameof(FileAccessOptions.FlushInterval)} must be positive (got {options.FlushInterval}).");
        }

        if (options.FlushThreshold is < 1 or > 1_000_000)
        {
            failures.Add($"{nameof(FileAccessOptions)}.{nameof(FileAccessOptions.FlushThreshold)} must be between 1 and 1000000 (got {options.FlushThreshold}).");
        }

        if (options.RetryDelay <= TimeSpan.Zero || options.MaxRetryDelay < options.RetryDelay)
        {
            failures.Add($"{nameof(FileAccessOptions)}.{nameof(FileAccessOptions.RetryDelay)} must be positive and at most "
                + $"{nameof(FileAccessOptions.MaxRetryDelay)} (got {options.RetryDelay} and {options.MaxRetryDelay}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
