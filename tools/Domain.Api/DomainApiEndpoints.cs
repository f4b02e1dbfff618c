using System.Text.Json.Serialization;
using Domain.AspNetCore;

namespace Domain.Api;

/// <summary>
/// The API's composition, in one place for its Program and for hosts that run it in-process with extra endpoints
/// (the benchmarks): the services, then the pipeline and the routes.
/// </summary>
public static class DomainApiEndpoints
{
    /// <summary>The layer (<c>AddDomainForSupabase</c>), JSON with enum names, and the OpenAPI document.</summary>
    public static WebApplicationBuilder AddDomainApi(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddDomainForSupabase();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.Services.AddOpenApi();
        return builder;
    }

    /// <summary>The pipeline (<c>UseDomainForSupabase</c>) and every route: OpenAPI, health, sessions, conversations.</summary>
    public static WebApplication MapDomainApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseDomainForSupabase();
        app.MapOpenApi();
        app.MapDomainHealthChecks("/healthz");
        app.MapSessionRoutes();
        app.MapConversationRoutes();
        return app;
    }
}
