using System.Security.Claims;
using System.Text;
using Domain.Application.Common;
using Domain.AspNetCore.Problems;
using Domain.AspNetCore.Telemetry;
using Domain.Persistence.Rls;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Domain.AspNetCore.Authentication;

/// <summary>
/// Configures JWT bearer authentication for <see cref="DomainAuthentication.SupabaseScheme"/> from
/// <see cref="SupabaseAuthOptions"/>: the project's issuer and audience, an expiry required, only ES256 and RS256
/// (keys from <see cref="SupabaseSigningKeys"/>) and HS256 when the legacy secret is configured; then the token's role
/// is checked and the verified payload becomes the request's <see cref="Caller"/>, once.
/// </summary>
internal sealed class SupabaseJwtBearerSetup(IOptions<SupabaseAuthOptions> supabase, SupabaseSigningKeys keys) : IConfigureNamedOptions<JwtBearerOptions>
{
    private const string BearerPrefix = "Bearer ";

    public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, JwtBearerOptions options)
    {
        if (name != DomainAuthentication.SupabaseScheme)
        {
            return;
        }

        var settings = supabase.Value;
        var algorithms = new List<string> { SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.RsaSha256 };
        var secretKeys = new List<SecurityKey>();
        if (!string.IsNullOrWhiteSpace(settings.JwtSecret))
        {
            // Supabase signs with the secret's UTF-8 bytes as they are (it is not base64-decoded).
            algorithms.Add(SecurityAlgorithms.HmacSha256);
            secretKeys.Add(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(settings.JwtSecret)));
        }

        options.MapInboundClaims = false;
        options.ConfigurationManager = keys;
        options.RefreshOnIssuerKeyNotFound = true;
        options.IncludeErrorDetails = true;
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidIssuer = settings.ResolvedIssuer,
            ValidateAudience = true,
            ValidAudience = settings.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ValidAlgorithms = algorithms,
            IssuerSigningKeys = secretKeys,
            ClockSkew = settings.ClockSkew,
            NameClaimType = "sub",
            RoleClaimType = "role",
        };
        options.Events = new JwtBearerEvents
        {
            OnMessageReceived = ReadTokenAsync,
            OnTokenValidated = context => ToCaller(context, settings),
            OnAuthenticationFailed = context =>
            {
                DomainWebTelemetry.TokenRefused(context.Exception.GetType().Name);
                return Task.CompletedTask;
            },
            OnChallenge = WriteChallengeAsync,
            OnForbidden = WriteForbiddenAsync,
        };
    }

    /// <summary>
    /// Takes the token from the Authorization header and, when an asymmetric key signed it, makes sure the keys are
    /// fresh enough for its key id before it is checked (a rotation is picked up by the request that meets it).
    /// </summary>
    private async Task ReadTokenAsync(MessageReceivedContext context)
    {
        string? authorization = context.Request.Headers.Authorization;
        if (authorization is null || !authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            context.NoResult();
            return;
        }

        var token = authorization[BearerPrefix.Length..].Trim();
        if (token.Length == 0)
        {
            context.NoResult();
            return;
        }

        context.Token = token;
        JsonWebToken unverified;
        try
        {
            unverified = new JsonWebToken(token);
        }
        catch (ArgumentException)
        {
            return; // Not a JWT: validation refuses it with the reason.
        }

        if (!unverified.Alg.StartsWith("HS", StringComparison.Ordinal))
        {
            await keys.PrepareForAsync(string.IsNullOrEmpty(unverified.Kid) ? null : unverified.Kid, context.HttpContext.RequestAborted);
        }
    }

    /// <summary>The verified token's role is checked and its payload becomes the <see cref="Caller"/>, exactly once per request.</summary>
    private static Task ToCaller(TokenValidatedContext context, SupabaseAuthOptions settings)
    {
        if (context.SecurityToken is not JsonWebToken token)
        {
            context.Fail("The token was not read as a JSON web token.");
            return Task.CompletedTask;
        }

        var role = token.TryGetPayloadValue<string>("role", out var value) ? value : null;
        if (role == RlsClaims.ServiceRole && !settings.AllowServiceRole)
        {
            DomainWebTelemetry.TokenRefused("service_role");
            context.Fail("A token with the role service_role is not accepted from clients here (Supabase:AllowServiceRole is off).");
            return Task.CompletedTask;
        }

        Caller caller;
        try
        {
            caller = Caller.FromVerifiedClaims(Base64UrlEncoder.Decode(token.EncodedPayload));
        }
        catch (ArgumentException ex)
        {
            DomainWebTelemetry.TokenRefused("claims");
            context.Fail($"The token's claims are not accepted: {ex.Message}");
            return Task.CompletedTask;
        }

        DomainWebTelemetry.TokenAccepted(caller);
        context.Principal = new ClaimsPrincipal(new CallerIdentity(caller, DomainAuthentication.SupabaseScheme, token.Claims));
        return Task.CompletedTask;
    }

    /// <summary>403 with a problem details body: the caller is known, and the endpoint's policy does not admit it.</summary>
    private static async Task WriteForbiddenAsync(ForbiddenContext context)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        var problems = context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context.HttpContext,
            ProblemDetails = DomainProblems.Forbidden("The caller may not use this endpoint; it needs a signed-in user."),
        });
    }

    /// <summary>401 with the standard <c>WWW-Authenticate</c> header and a problem details body saying why.</summary>
    private static async Task WriteChallengeAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var error = string.IsNullOrEmpty(context.Error) && context.AuthenticateFailure is not null ? "invalid_token" : context.Error;
        var description = !string.IsNullOrEmpty(context.ErrorDescription) ? context.ErrorDescription : context.AuthenticateFailure?.Message;
        var header = new StringBuilder("Bearer");
        if (!string.IsNullOrEmpty(error))
        {
            header.Append(" error=\"").Append(error).Append('"');
            if (!string.IsNullOrEmpty(description))
            {
                header.Append(", error_description=\"").Append(description.Replace("\"", "'", StringComparison.Ordinal)).Append('"');
            }
        }

        var response = context.Response;
        response.StatusCode = StatusCodes.Status401Unauthorized;
        response.Headers.WWWAuthenticate = header.ToString();
        var problems = context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context.HttpContext,
            ProblemDetails = DomainProblems.Unauthorized(context.AuthenticateFailure is null
                ? "A valid Supabase access token is required (Authorization: Bearer <token>)."
                : description ?? "The token was refused."),
        });
    }
}
