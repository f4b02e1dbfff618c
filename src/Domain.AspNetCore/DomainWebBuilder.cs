using Domain.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Domain.AspNetCore;

/// <summary>
/// What <c>AddDomainForSupabase</c> returns: the place to plug in more ways to authenticate a caller, the project's API
/// keys (<see cref="AddApiKeys"/>) or one of the application's own.
/// </summary>
/// <remarks>
/// Another scheme is an ordinary ASP.NET Core authentication handler that,
/// when the credentials it reads are valid, succeeds with a principal holding a <see cref="CallerIdentity"/> (the
/// <see cref="Application.Common.Caller"/> it verified), and fails (<c>AuthenticateResult.Fail</c>) when they are not:
/// the request then ends with 401, it never falls back to anonymous. <see cref="AddCallerScheme{TOptions, THandler}"/>
/// registers it and says which requests are its own; the others keep going to the Supabase bearer scheme.
/// </remarks>
public sealed class DomainWebBuilder
{
    private readonly IConfiguration _configuration;

    internal DomainWebBuilder(IServiceCollection services, AuthenticationBuilder authentication, IConfiguration configuration)
    {
        Services = services;
        Authentication = authentication;
        _configuration = configuration;
    }

    /// <summary>The application's services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The authentication builder, with <see cref="DomainAuthentication.Scheme"/> as the default scheme.</summary>
    public AuthenticationBuilder Authentication { get; }

    /// <summary>
    /// Adds an authentication scheme that produces callers, used for the requests <paramref name="handles"/> accepts
    /// (asked in registration order, before the Supabase bearer scheme).
    /// </summary>
    /// <param name="name">The scheme's name.</param>
    /// <param name="handles">True for requests that carry this scheme's credentials (for example an <c>apikey</c> header).</param>
    /// <param name="configure">Configures the handler's options.</param>
    public DomainWebBuilder AddCallerScheme<TOptions, THandler>(string name, Func<HttpContext, bool> handles, Action<TOptions>? configure = null)
        where TOptions : AuthenticationSchemeOptions, new()
        where THandler : AuthenticationHandler<TOptions>
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(handles);
        Authentication.AddScheme<TOptions, THandler>(name, configure);
        Services.Configure<CallerSchemeOptions>(options => options.Schemes.Add(new CallerScheme(name, handles)));
        return this;
    }

    /// <summary>
    /// Accepts the project's API keys (<see cref="Application.Identity.ApiKeyStore"/>) as a second scheme,
    /// <see cref="DomainAuthentication.ApiKeyScheme"/>: a request that sends <c>X-Api-Key: dk_...</c> (the header is
    /// <see cref="ApiKeyAuthenticationOptions.HeaderName"/>, setting <c>Domain:Web:ApiKeys:HeaderName</c>) or
    /// <c>Authorization: ApiKey dk_...</c> acts as the key's owner (an admin when their profile says so), limited to
    /// the key's scopes where an endpoint requires one (<see cref="Authorization.RequireApiKeyScopeExtensions"/>).
    /// <list type="bullet">
    /// <item>A key that is malformed, unknown, revoked or expired: 401 with the same problem for each ("invalid,
    /// revoked or expired"), on every endpoint; the reason is logged and counted, the request never runs as anonymous.</item>
    /// <item>A key together with an <c>Authorization</c> header (a bearer token, say) or with another key: 400, so
    /// that which credential counts is never a guess.</item>
    /// <item>Keys are never read from the query string, and never act as the service role.</item>
    /// </list>
    /// The options are bound from <see cref="ApiKeyAuthenticationOptions.SectionName"/> and checked when the host starts.
    /// </summary>
    /// <param name="configure">Adjusts the options after they are bound from configuration.</param>
    public DomainWebBuilder AddApiKeys(Action<ApiKeyAuthenticationOptions>? configure = null)
    {
        const string scheme = DomainAuthentication.ApiKeyScheme;
        Services.AddOptions<ApiKeyAuthenticationOptions>(scheme).Bind(_configuration.GetSection(ApiKeyAuthenticationOptions.SectionName)).ValidateOnStart();
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApiKeyAuthenticationOptions>, ApiKeyAuthenticationOptionsValidator>());
        return AddCallerScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(
            scheme,
            context => ApiKeyCredentials.IsPresented(
                context.Request, context.RequestServices.GetRequiredService<IOptionsMonitor<ApiKeyAuthenticationOptions>>().Get(scheme).HeaderName),
            configure);
    }
}
