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
