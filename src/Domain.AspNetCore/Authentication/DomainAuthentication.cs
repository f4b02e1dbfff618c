using Microsoft.AspNetCore.Http;

namespace Domain.AspNetCore.Authentication;

/// <summary>The authentication schemes of this layer.</summary>
public static class DomainAuthentication
{
    /// <summary>
    /// The default scheme: it picks, per request, the scheme that handles the request's credentials (the first whose
    /// <see cref="CallerScheme.Handles"/> says so), else <see cref="SupabaseScheme"/>.
    /// </summary>
    public const string Scheme = "Domain";

    /// <summary>Supabase access tokens in <c>Authorization: Bearer</c> (JWT bearer authentication).</summary>
    public const string SupabaseScheme = "Supabase";
}

/// <summary>The authorization policy of this layer.</summary>
public static class DomainAuthorization
{
    /// <summary>
    /// The default policy (what <c>RequireAuthorization()</c> and <c>[Authorize]</c> ask for): an authenticated
    /// caller that is not anonymous, that is a signed-in user, or the service role where it is allowed. A request
    /// without credentials is challenged (401); one whose verified token has the role <c>anon</c> is forbidden (403).
    /// </summary>
    public const string IdentifiedCallerPolicy = "Domain.IdentifiedCaller";
}

/// <summary>An authentication scheme that produces callers, and which requests it handles.</summary>
/// <param name="Name">The scheme's name, as registered with <c>AddScheme</c>.</param>
/// <param name="Handles">True for a request whose credentials are this scheme's (a header it reads is present, say).</param>
public sealed record CallerScheme(string Name, Func<HttpContext, bool> Handles);

/// <summary>The schemes <see cref="DomainAuthentication.Scheme"/> chooses from, in order.</summary>
public sealed class CallerSchemeOptions
{
    /// <summary>Asked in order; a request no scheme claims goes to <see cref="DomainAuthentication.SupabaseScheme"/>.</summary>
    public IList<CallerScheme> Schemes { get; } = [];

    internal string Select(HttpContext context)
    {
        foreach (var scheme in Schemes)
        {
            if (scheme.Handles(context))
            {
                return scheme.Name;
            }
        }

        return DomainAuthentication.SupabaseScheme;
    }
}
