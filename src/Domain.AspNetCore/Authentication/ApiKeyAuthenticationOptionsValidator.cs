using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Domain.AspNetCore.Authentication;

/// <summary>Checks <see cref="ApiKeyAuthenticationOptions"/> when the host starts; every failure names its setting.</summary>
internal sealed class ApiKeyAuthenticationOptionsValidator : IValidateOptions<ApiKeyAuthenticationOptions>
{
    /// <summary>The header Supabase's client libraries send the project's publishable (anon) key in.</summary>
    public const string SupabaseKeyHeader = "apikey";

    private const string HeaderSetting = ApiKeyAuthenticationOptions.SectionName + ":HeaderName";

    public ValidateOptionsResult Validate(string? name, ApiKeyAuthenticationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (name != DomainAuthentication.ApiKeyScheme)
        {
            return ValidateOptionsResult.Skip;
        }

        var header = options.HeaderName;
        if (string.IsNullOrWhiteSpace(header))
        {
            return ValidateOptionsResult.Fail($"{HeaderSetting} is empty; leave it out for {ApiKeyAuthenticationOptions.DefaultHeaderName}, or name a header.");
        }

        if (!IsToken(header))
        {
            return ValidateOptionsResult.Fail($"{HeaderSetting} ('{header}') is not a header name (letters, digits and !#$%&'*+-.^_`|~ only).");
        }

        if (header.Equals(HeaderNames.Authorization, StringComparison.OrdinalIgnoreCase))
        {
            return ValidateOptionsResult.Fail(
                $"{HeaderSetting} cannot be Authorization: keys are read from 'Authorization: {ApiKeyCredentials.AuthorizationScheme} <key>' anyway, and bearer tokens live there.");
        }

        if (header.Equals(SupabaseKeyHeader, StringComparison.OrdinalIgnoreCase))
        {
            return ValidateOptionsResult.Fail(
                $"{HeaderSetting} cannot be '{SupabaseKeyHeader}': Supabase's client libraries send the project's publishable key there with every request, "
                + "and that is not a user's API key.");
        }

        return ValidateOptionsResult.Success;
    }

    private static bool IsToken(string value)
        => value.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal));
}
