using Domain.Application.Common;
using Domain.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace Domain.AspNetCore.Authorization;

/// <summary>
/// An authorization requirement (and its own handler) that admits an identified caller holding every scope in
/// <see cref="Scopes"/>: a caller who presented an API key must carry them all (<see cref="Caller.HasScope"/>); a
/// signed-in user with a bearer token, who is not limited by scopes, always passes. Anonymous callers never do. Use it
/// through <see cref="RequireApiKeyScopeExtensions"/>. A key that lacks a scope gets 403 naming the scopes it lacks.
/// </summary>
public sealed class ApiKeyScopeRequirement : AuthorizationHandler<ApiKeyScopeRequirement>, IAuthorizationRequirement
{
    private static readonly object MissingScopesKey = new();

    /// <param name="scopes">The scopes a key must all carry, for example <c>sessions:read</c>.</param>
    /// <exception cref="ArgumentException">No scope, or an empty one.</exception>
    public ApiKeyScopeRequirement(IEnumerable<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        Scopes = [.. scopes.Distinct(StringComparer.Ordinal)];
        if (Scopes.Count == 0 || Scopes.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Name at least one scope, none of them empty.", nameof(scopes));
        }
    }

    /// <summary>The scopes a key must all carry.</summary>
    public IReadOnlyList<string> Scopes { get; }

    /// <inheritdoc />
    public override string ToString() => $"{nameof(ApiKeyScopeRequirement)}: an API key needs {string.Join(", ", Scopes)}";

    /// <summary>The scopes the request's key lacked for the endpoint (set when this requirement refused it); empty otherwise.</summary>
    internal static IReadOnlyList<string> MissingScopesOf(HttpContext context)
        => context.Items.TryGetValue(MissingScopesKey, out var missing) && missing is IReadOnlyList<string> scopes ? scopes : [];

    /// <inheritdoc />
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ApiKeyScopeRequirement requirement)
    {
        if (CallerIdentity.CallerOf(context.User) is not { IsAnonymous: false } caller)
        {
            return Task.CompletedTask;
        }

        var missing = requirement.Scopes.Where(scope => !caller.HasScope(scope)).ToList();
        if (missing.Count == 0)
        {
            context.Succeed(requirement);
            return Task.CompletedTask;
        }

        if (context.Resource is HttpContext http)
        {
            http.Items[MissingScopesKey] = missing;
        }

        context.Fail(new AuthorizationFailureReason(this, $"The API key lacks {string.Join(", ", missing)}."));
        return Task.CompletedTask;
    }
}
