using Microsoft.Extensions.Options;

namespace Domain.Application.Prompts;

/// <summary>How stale an active prompt served from the in-process cache may be; bound from <c>Domain:PromptCache</c>.</summary>
public sealed class PromptCacheOptions
{
    public const string SectionName = "Domain:PromptCache";

    /// <summary>The longest <see cref="MaxStaleness"/> accepted.</summary>
    public static readonly TimeSpan MaxMaxStaleness = TimeSpan.FromHours(1);

    /// <summary>
    /// The bound: an activation committed anywhere (another process, psql) is what every process serves at most this
    /// long after its commit. The cache confirms the catalog version every half of it in the background; a read that
    /// finds no confirmation younger than this asks the database itself. Default 5 seconds.
    /// </summary>
    public TimeSpan MaxStaleness { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the background refresher confirms the catalog version: half of <see cref="MaxStaleness"/>.</summary>
    public TimeSpan PollInterval => MaxStaleness / 2;
}

/// <summary>Checks <see cref="PromptCacheOptions"/> when the host starts; each failure names the option.</summary>
internal sealed class PromptCacheOptionsValidator : IValidateOptions<PromptCacheOptions>
{
    public ValidateOptionsResult Validate(string? name, PromptCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.MaxStaleness > TimeSpan.Zero && options.MaxStaleness <= PromptCacheOptions.MaxMaxStaleness
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{nameof(PromptCacheOptions)}.{nameof(PromptCacheOptions.MaxStaleness)} must be positive and at most "
                + $"{PromptCacheOptions.MaxMaxStaleness} (got {options.MaxStaleness}).");
    }
}
