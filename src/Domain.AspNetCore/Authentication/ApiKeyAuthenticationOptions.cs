using Microsoft.AspNetCore.Authentication;

namespace Domain.AspNetCore.Authentication;

/// <summary>
/// The API key scheme (<see cref="DomainAuthentication.ApiKeyScheme"/>), turned on by
/// <see cref="DomainWebBuilder.AddApiKeys"/> and bound from <see cref="SectionName"/>. Checked when the host starts: an
/// unusable value is an error naming the setting.
/// </summary>
public sealed class ApiKeyAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>The configuration section: <c>Domain:Web:ApiKeys</c>.</summary>
    public const string SectionName = DomainWebOptions.SectionName + ":ApiKeys";

    /// <summary>The header a key is sent in by default: <c>X-Api-Key</c>.</summary>
    public const string DefaultHeaderName = "X-Api-Key";

    /// <summary>
    /// The header that carries a key (<c>Domain:Web:ApiKeys:HeaderName</c>, default <c>X-Api-Key</c>); a key is also
    /// read from <c>Authorization: ApiKey &lt;key&gt;</c>. It cannot be <c>Authorization</c>, nor <c>apikey</c>: Supabase's
    /// client libraries send the project's publishable (anon) key in <c>apikey</c> with every request, which is not a
    /// user's key.
    /// </summary>
    public string HeaderName { get; set; } = DefaultHeaderName;
}
