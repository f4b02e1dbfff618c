using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;

namespace Domain.AspNetCore.Authorization;

/// <summary>
/// Requires API key scopes of an endpoint or a policy (<see cref="ApiKeyScopeRequirement"/>): callers with a bearer
/// token pass, callers with an API key need every scope named, anonymous callers are challenged.
/// </summary>
public static class RequireApiKeyScopeExtensions
{
    /// <summary>Adds <see cref="ApiKeyScopeRequirement"/> for <paramref name="scopes"/> to the policy.</summary>
    public static AuthorizationPolicyBuilder RequireApiKeyScope(this AuthorizationPolicyBuilder policy, params string[] scopes)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.AddRequirements(new ApiKeyScopeRequirement(scopes));
    }

    /// <summary>
    /// The endpoints need <paramref name="scopes"/> of an API key, besides any policy they already require (for example
    /// <c>RequireAuthorization()</c>): <c>app.MapGet("/sessions", ...).RequireApiKeyScope("sessions:read")</c>.
    /// </summary>
    public static TBuilder RequireApiKeyScope<TBuilder>(this TBuilder builder, params string[] scopes)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var requirement = new ApiKeyScopeRequirement(scopes);
        return builder.RequireAuthorization(policy => policy.AddRequirements(requirement));
    }
}
