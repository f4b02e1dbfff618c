using System.Net;
using Microsoft.Extensions.Options;

namespace Domain.AspNetCore.Authentication;

/// <summary>Checks <see cref="SupabaseAuthOptions"/> when the host starts; every failure names its setting.</summary>
internal sealed class SupabaseAuthOptionsValidator : IValidateOptions<SupabaseAuthOptions>
{
    /// <summary>The HS256 secret must be at least this long: Supabase requires 32 characters.</summary>
    public const int MinimumSecretLength = 32;

    private const string Section = SupabaseAuthOptions.SectionName;

    /// <summary>Fragments that mark a value copied from an example and never filled in.</summary>
    private static readonly string[] PlaceholderMarks =
        ["CHANGE_ME", "CHANGEME", "<", ">", "your-project", "your_project", "your-super-secret", "YOUR_", "placeholder", "xxxxxxxx"];

    public ValidateOptionsResult Validate(string? name, SupabaseAuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        if (!string.IsNullOrWhiteSpace(options.Url))
        {
            CheckUrl(failures, $"{Section}:Url", options.Url, requireHttps: false);
        }

        if (!string.IsNullOrWhiteSpace(options.JwksUrl))
        {
            CheckUrl(failures, $"{Section}:JwksUrl", options.JwksUrl, requireHttps: true);
        }
        else if (!string.IsNullOrWhiteSpace(options.Url) && options.ResolvedJwksUri is { } derived && !IsSecureOrLoopback(derived))
        {
            failures.Add($"{Section}:Url: the signing keys would be fetched from {derived} without HTTPS; only loopback addresses may use http.");
        }

        if (options.ResolvedIssuer is null)
        {
            failures.Add($"{Section}:Url is not set (nor {Section}:Issuer): tokens cannot be checked for their issuer. "
                + "Set it to the project URL, e.g. https://<project-ref>.supabase.co.");
        }
        else if (IsPlaceholder(options.ResolvedIssuer))
        {
            failures.Add($"{Section}:Issuer still holds a placeholder ('{options.ResolvedIssuer}').");
        }

        if (options.JwtSecret is { } secret)
        {
            if (string.IsNullOrWhiteSpace(secret))
            {
                failures.Add($"{Section}:JwtSecret is empty; remove it to refuse HS256 tokens, or set the project's legacy JWT secret.");
            }
            else if (IsPlaceholder(secret))
            {
                failures.Add($"{Section}:JwtSecret still holds a placeholder; set the project's legacy JWT secret or remove the setting.");
            }
            else if (secret.Length < MinimumSecretLength)
            {
                failures.Add($"{Section}:JwtSecret is {secret.Length} characters long; a secret that verifies HS256 tokens needs at least {MinimumSecretLength}.");
            }
        }

        if (options.ResolvedJwksUri is null && string.IsNullOrWhiteSpace(options.JwtSecret))
        {
            failures.Add($"No key verifies tokens: set {Section}:Url (or {Section}:JwksUrl) for the project's signing keys, "
                + $"or {Section}:JwtSecret for the legacy HS256 secret.");
        }

        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            failures.Add($"{Section}:Audience is empty; Supabase issues user tokens with the audience 'authenticated'.");
        }

        CheckPositive(failures, "ClockSkew", options.ClockSkew, allowZero: true);
        CheckPositive(failures, "JwksRefreshInterval", options.JwksRefreshInterval, allowZero: false);
        CheckPositive(failures, "JwksMinimumRefreshInterval", options.JwksMinimumRefreshInterval, allowZero: true);
        CheckPositive(failures, "JwksTimeout", options.JwksTimeout, allowZero: false);

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckUrl(List<string> failures, string setting, string value, bool requireHttps)
    {
        if (IsPlaceholder(value))
        {
            failures.Add($"{setting} still holds a placeholder ('{value}').");
        }
        else if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add($"{setting} is not an absolute http(s) URL ('{value}').");
        }
        else if (requireHttps && !IsSecureOrLoopback(uri))
        {
            failures.Add($"{setting} must use HTTPS ('{value}'); only loopback addresses may use http.");
        }
    }

    private static void CheckPositive(List<string> failures, string option, TimeSpan value, bool allowZero)
    {
        if (value < TimeSpan.Zero || (!allowZero && value == TimeSpan.Zero))
        {
            failures.Add($"{Section}:{option} must be {(allowZero ? "zero or more" : "more than zero")} (got {value}).");
        }
    }

    private static bool IsSecureOrLoopback(Uri uri)
        => uri.Scheme == Uri.UriSchemeHttps || uri.IsLoopback || (IPAddress.TryParse(uri.Host, out var address) && IPAddress.IsLoopback(address));

    private static bool IsPlaceholder(string value)
        => PlaceholderMarks.Any(mark => value.Contains(mark, StringComparison.OrdinalIgnoreCase));
}
