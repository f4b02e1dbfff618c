using Domain.AspNetCore.Callers;
using Domain.AspNetCore.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;

namespace Domain.AspNetCore;

/// <summary>The request pipeline and endpoints of the web integration.</summary>
public static class DomainWebApplicationExtensions
{
    /// <summary>
    /// Adds, in this order: problem details for exceptions (the layer's mapped by <c>DomainProblems</c>) and for empty
    /// error responses; authentication; the caller middleware, which decides the request's caller once (401 for
    /// presented credentials that were refused); authorization. Call it before mapping endpoints.
    /// </summary>
    public static IApplicationBuilder UseDomainForSupabase(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseMiddleware<CallerMiddleware>();
        app.UseAuthorization();
        return app;
    }

    /// <summary>
    /// Maps the health checks at <paramref name="pattern"/>: 200 when healthy or degraded, 503 when unhealthy, with a
    /// JSON body giving each check's status and description. Open to anonymous callers.
    /// </summary>
    public static IEndpointConventionBuilder MapDomainHealthChecks(this IEndpointRouteBuilder endpoints, string pattern = "/healthz")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapHealthChecks(pattern, new HealthCheckOptions { ResponseWriter = HealthReportWriter.WriteAsync }).AllowAnonymous();
    }
}
