using System.Text.Json.Serialization;
using Domain.AspNetCore;

namespace Domain.Api;

/// <summary>
/// The API's composition, in one place for its Program and for hosts that run it in-process with extra endpoints
/// (the benchmarks): the services, then the pipeline and the routes.
/// </summary>
public static class DomainApiEndpoints
{
    /// <summary>
    /// The layer (<c>AddDomainForSupabase</c>) with the project's API keys accepted (<c>AddApiKeys</c>: <c>X-Api-Key</c>
    /// or <c>Authorization: ApiKey</c>, the routes requiring <see cref="ApiScopes"/> of a key), JSON with enum names, and
    /// the OpenAPI document.
    /// </summary>
    public static WebApplicationBuilder AddDomainApi(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddDomainForSupabase().AddApiKeys();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.Services.AddOpenApi(openApi => openApi.AddDocumentTransformer<SecuritySchemesTransformer>());
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
