using Domain.AspNetCore.Authentication;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Domain.Api;

/// <summary>
/// Declares how a client authenticates in the OpenAPI document: a Supabase access token as a bearer JWT, or one of the
/// project's API keys in the header the API reads (<c>Domain:Web:ApiKeys:HeaderName</c>, <c>X-Api-Key</c> unless
/// configured); either one satisfies every route. Without it, a client generated from the document sends neither.
/// </summary>
internal sealed class SecuritySchemesTransformer(IOptionsMonitor<ApiKeyAuthenticationOptions> apiKeys) : IOpenApiDocumentTransformer
{
    public const string BearerScheme = "SupabaseAccessToken";
    public const string KeyScheme = "ApiKey";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A Supabase Auth access token (Authorization: Bearer <token>).",
        };
        document.Components.SecuritySchemes[KeyScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = apiKeys.Get(DomainAuthentication.ApiKeyScheme).HeaderName,
            Description = "One of the project's API keys (domain keys create); acts as its owner with its scopes. "
                + "Authorization: ApiKey <key> is accepted too.",
        };
        document.Security =
        [
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] },
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(KeyScheme, document)] = [] },
        ];
        return Task.CompletedTask;
    }
}
