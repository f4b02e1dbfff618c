using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Domain.Application.Common;
using Domain.Application.Identity;
using Domain.AspNetCore.Authorization;
using Domain.AspNetCore.Problems;
using Domain.AspNetCore.Telemetry;
using Domain.Identity;
using Domain.Persistence.Rls;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Domain.AspNetCore.Authentication;

/// <summary>
/// The API key scheme: the key a request presents (<see cref="ApiKeyCredentials"/>) is verified by
/// <see cref="ApiKeyStore.VerifyAsync"/> (one indexed lookup), and its owner, an admin when the owner's profile says so,
/// with the key's scopes, becomes the request's <see cref="Caller"/>. Never the service role: a key always acts for a
/// user. A key that is refused ends the request with 401 and the same answer whatever the reason (malformed, unknown,
/// revoked, expired), which is logged; a key sent with another credential ends it with 400.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<ApiKeyAuthenticationOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyStore keys)
    : AuthenticationHandler<ApiKeyAuthenticationOptions>(options, logger, encoder)
{
    /// <summary>What a client is told about any refused key: nothing that says whether the key exists.</summary>
    public const string RefusedDetail = "The API key is invalid, revoked or expired.";

    /// <summary>The claim that names the verified key's id.</summary>
    public const string KeyIdClaim = "api_key_id";

    /// <summary>The claims that name the key's scopes, one each.</summary>
    public const string ScopeClaim = "scope";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var credentials = ApiKeyCredentials.Read(Request, Options.HeaderName);
        switch (credentials.Presentation)
        {
            case ApiKeyPresentation.None:
                return AuthenticateResult.NoResult();
            case ApiKeyPresentation.Conflicting:
                DomainWebTelemetry.ApiKeyRefused("conflicting");
                Logger.LogInformation("Credentials refused: {Problem}", credentials.Problem);
                return AuthenticateResult.Fail(new ApiKeyRefusedException(StatusCodes.Status400BadRequest, credentials.Problem!));
        }

        var verification = await keys.VerifyAsync(credentials.Key, requiredScopes: null, Context.RequestAborted);
        if (verification.Caller is not { } caller)
        {
            var reason = verification.Refusal!.Value;
            DomainWebTelemetry.ApiKeyRefused(reason.ToString().ToLowerInvariant());
            var level = reason is ApiKeyRefusal.Revoked or ApiKeyRefusal.Expired ? LogLevel.Warning : LogLevel.Information;
            Logger.Log(level, "API key refused ({Reason}): key {KeyId}, prefix {Prefix}", reason,
                verification.KeyId?.ToString() ?? "none found", ApiKeySecret.HasKeyForm(credentials.Key) ? ApiKeySecret.DisplayPrefix(credentials.Key!) : "malformed");
            return AuthenticateResult.Fail(new ApiKeyRefusedException(StatusCodes.Status401Unauthorized, RefusedDetail));
        }

        if (caller.IsService || caller.UserId is not { } userId || caller.ApiKeyId is not { } keyId)
        {
            // VerifyAsync makes users and admins only; should that ever change, fail closed rather than bypass RLS.
            throw new InvalidOperationException($"An API key verified as {caller}, which is not a user: refused.");
        }

        DomainWebTelemetry.ApiKeyAccepted(caller);
        var claims = new List<Claim>
        {
            new("sub", userId.ToString()),
            new("role", caller.IsAdmin ? RlsClaims.AdminRole : RlsClaims.AuthenticatedRole),
            new(KeyIdClaim, keyId.ToString()),
        };
        claims.AddRange((caller.Scopes ?? new HashSet<string>()).Order(StringComparer.Ordinal).Select(scope => new Claim(ScopeClaim, scope)));
        var principal = new ClaimsPrincipal(new CallerIdentity(caller, Scheme.Name, claims));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    /// <summary>401 (a refused key, with <c>WWW-Authenticate: ApiKey</c>) or 400 (conflicting credentials), with a problem.</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var refusal = result.Failure as ApiKeyRefusedException
            ?? new ApiKeyRefusedException(StatusCodes.Status401Unauthorized, "A valid API key is required.");
        Response.StatusCode = refusal.Status;
        if (refusal.Status == StatusCodes.Status401Unauthorized)
        {
            Response.Headers.WWWAuthenticate = $"{ApiKeyCredentials.AuthorizationScheme} error=\"invalid_key\"";
        }

        await WriteAsync(refusal.Status == StatusCodes.Status400BadRequest
            ? new ProblemDetails { Status = StatusCodes.Status400BadRequest, Title = "Conflicting credentials", Detail = refusal.Message }
            : DomainProblems.Unauthorized(refusal.Message));
    }

    /// <summary>403: the key is valid, and the endpoint asks for a scope it lacks (named) or for another caller.</summary>
    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        var missing = ApiKeyScopeRequirement.MissingScopesOf(Context);
        var problem = DomainProblems.Forbidden(missing.Count == 0
            ? "The API key's owner may not use this endpoint."
            : string.Create(CultureInfo.InvariantCulture, $"The API key lacks the scope{(missing.Count == 1 ? "" : "s")} this endpoint requires: {string.Join(", ", missing)}."));
        if (missing.Count > 0)
        {
            problem.Extensions["code"] = "missing_scope";
            problem.Extensions["missingScopes"] = missing;
        }

        await WriteAsync(problem);
    }

    private Task WriteAsync(ProblemDetails problem)
        => Context.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = Context, ProblemDetails = problem }).AsTask();

    /// <summary>Why the scheme refused the request, and with which status.</summary>
    private sealed class ApiKeyRefusedException(int status, string detail) : Exception(detail)
    {
        public int Status { get; } = status;
    }
}
