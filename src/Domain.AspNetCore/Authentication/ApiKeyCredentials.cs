using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Domain.AspNetCore.Authentication;

/// <summary>What a request presents for the API key scheme.</summary>
internal enum ApiKeyPresentation
{
    /// <summary>No API key: the request is not the API key scheme's.</summary>
    None,

    /// <summary>One API key and no other credential: <see cref="ApiKeyCredentials.Key"/> is to be verified.</summary>
    Key,

    /// <summary>An API key with another credential, or more than one: refused without a lookup (400).</summary>
    Conflicting,
}

/// <summary>
/// Reads an API key from a request's headers: the key header (<c>X-Api-Key</c> unless configured otherwise) or
/// <c>Authorization: ApiKey &lt;key&gt;</c>, never the query string (which ends up in access logs and browser history).
/// A request presents one credential: an API key together with any <c>Authorization</c> header (a bearer token, say), or
/// two keys, is <see cref="ApiKeyPresentation.Conflicting"/>, so that the server never has to pick which one counts.
/// </summary>
/// <param name="Presentation">Whether the request presents a key, and whether it presents only that.</param>
/// <param name="Key">The presented key, surrounding white space removed (possibly empty, which verification refuses as
/// malformed); null unless <see cref="ApiKeyPresentation.Key"/>.</param>
/// <param name="Problem">Why the credentials conflict; null unless <see cref="ApiKeyPresentation.Conflicting"/>.</param>
internal readonly record struct ApiKeyCredentials(ApiKeyPresentation Presentation, string? Key, string? Problem)
{
    /// <summary>The <c>Authorization</c> scheme that carries an API key: <c>Authorization: ApiKey dk_...</c>.</summary>
    public const string AuthorizationScheme = "ApiKey";

    /// <summary>Whether the request presents an API key in either header (even an empty one): then the API key scheme handles it.</summary>
    public static bool IsPresented(HttpRequest request, string headerName)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Headers.ContainsKey(headerName) || request.Headers.Authorization.Any(value => ApiKeyIn(value) is not null);
    }

    /// <summary>The API key the request presents, or why its credentials conflict.</summary>
    public static ApiKeyCredentials Read(HttpRequest request, string headerName)
    {
        ArgumentNullException.ThrowIfNull(request);
        var keyHeader = request.Headers.TryGetValue(headerName, out var values) ? values : StringValues.Empty;
        var authorization = request.Headers.Authorization;
        var fromAuthorization = authorization.Select(ApiKeyIn).Where(key => key is not null).ToList();
        var keys = keyHeader.Count + fromAuthorization.Count;
        if (keys == 0)
        {
            return new(ApiKeyPresentation.None, null, null);
        }

        if (keyHeader.Count > 0 && authorization.Count > 0)
        {
            return Conflict(fromAuthorization.Count > 0
                ? $"The request presents an API key both in {headerName} and in Authorization; send it once."
                : $"The request presents an API key ({headerName}) and an Authorization header; send one credential, not both.");
        }

        if (keyHeader.Count > 1)
        {
            return Conflict($"The request presents more than one {headerName} header; send one API key.");
        }

        if (authorization.Count > 1)
        {
            return Conflict("The request presents more than one Authorization header; send one credential.");
        }

        return new(ApiKeyPresentation.Key, (keyHeader.Count == 1 ? keyHeader[0] : fromAuthorization[0])?.Trim() ?? string.Empty, null);
    }

    private static ApiKeyCredentials Conflict(string problem) => new(ApiKeyPresentation.Conflicting, null, problem);

    /// <summary>The key in an <c>Authorization</c> value of the <c>ApiKey</c> scheme (case-insensitive), else null.</summary>
    private static string? ApiKeyIn(string? authorization)
    {
        if (authorization is null || !authorization.StartsWith(AuthorizationScheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var rest = authorization[AuthorizationScheme.Length..];
        return rest.Length == 0 ? string.Empty : char.IsWhiteSpace(rest[0]) ? rest.Trim() : null;
    }
}
