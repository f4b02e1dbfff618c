using Domain.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Domain.AspNetCore;

/// <summary>
/// What <c>AddDomainForSupabase</c> returns: the place to plug in more ways to authenticate a caller.
/// </summary>
/// <remarks>
/// A second scheme (the project's API keys, for example) is an ordinary ASP.NET Core authentication handler that,
/// when the credentials it reads are valid, succeeds with a principal holding a <see cref="CallerIdentity"/> (the
/// <see cref="Application.Common.Caller"/> it verified), and fails (<c>AuthenticateResult.Fail</c>) when they are not:
/// the request then ends with 401, it never falls back to anonymous. <see cref="AddCallerScheme{TOptions, THandler}"/>
/// registers it and says which requests are its own; the others keep going to the Supabase bearer scheme.
/// </remarks>
public sealed class DomainWebBuilder
{
    internal DomainWebBuilder(IServiceCollection services, AuthenticationBuilder authentication)
    {
        Services = services;
        Authentication = authentication;
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
}
