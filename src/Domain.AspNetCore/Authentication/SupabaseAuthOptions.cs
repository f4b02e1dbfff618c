namespace Domain.AspNetCore.Authentication;

/// <summary>
/// How tokens issued by a Supabase project are verified, bound from the configuration section <see cref="SectionName"/>
/// (environment variables <c>Supabase__Url</c>, <c>Supabase__JwtSecret</c>, ...). Checked when the host starts: a
/// missing or placeholder value is an error naming the setting.
/// </summary>
/// <remarks>
/// Supabase signs access tokens either with an asymmetric signing key (ES256 or RS256; the public keys are served at
/// <c>{Url}/auth/v1/.well-known/jwks.json</c>) or, on projects that still use it, with the legacy JWT secret (HS256).
/// Both can be active at once while a project migrates. A token must carry the project's issuer
/// (<c>{Url}/auth/v1</c>), the audience <see cref="Audience"/> and an expiry; unsigned tokens (<c>alg: none</c>) and
/// any other algorithm are refused.
/// </remarks>
public sealed class SupabaseAuthOptions
{
    /// <summary>The configuration section: <c>Supabase</c>.</summary>
    public const string SectionName = "Supabase";

    /// <summary>The project URL, e.g. <c>https://abcdefghijklmnop.supabase.co</c>; the issuer and the JWKS URL follow from it.</summary>
    public string? Url { get; set; }

    /// <summary>The <c>iss</c> tokens must carry; default <c>{Url}/auth/v1</c>.</summary>
    public string? Issuer { get; set; }

    /// <summary>Where the public signing keys are served; default <c>{Url}/auth/v1/.well-known/jwks.json</c>. HTTPS unless on loopback.</summary>
    public string? JwksUrl { get; set; }

    /// <summary>
    /// The legacy JWT secret (Project Settings, JWT Keys, Legacy JWT Secret) that verifies HS256 tokens; leave it unset
    /// once the project signs with asymmetric keys only, and HS256 tokens are refused.
    /// </summary>
    public string? JwtSecret { get; set; }

    /// <summary>The <c>aud</c> tokens must carry: <c>authenticated</c>, as Supabase Auth issues them to signed-in users.</summary>
    public string Audience { get; set; } = "authenticated";

    /// <summary>
    /// Whether a token whose role is <c>service_role</c> is accepted from a client. Off: such a token is refused (401),
    /// because it would bypass row-level security for whoever holds it.
    /// </summary>
    public bool AllowServiceRole { get; set; }

    /// <summary>Tolerance for clock differences when checking expiry and not-before.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long fetched keys are used before they are fetched again: Supabase serves them with <c>max-age=600</c>.</summary>
    public TimeSpan JwksRefreshInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The least time between two fetches of the keys caused by tokens whose key id is not among them (a rotation), so
    /// that tokens with made-up key ids cannot make the application hammer the JWKS endpoint.
    /// </summary>
    public TimeSpan JwksMinimumRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one fetch of the keys may take.</summary>
    public TimeSpan JwksTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The issuer tokens must carry: <see cref="Issuer"/>, else derived from <see cref="Url"/>; null when neither is set.</summary>
    public string? ResolvedIssuer => !string.IsNullOrWhiteSpace(Issuer) ? Issuer : ProjectUrl() is { } url ? url + "/auth/v1" : null;

    /// <summary>Where the keys are fetched: <see cref="JwksUrl"/>, else derived from <see cref="Url"/>; null when neither is set.</summary>
    public Uri? ResolvedJwksUri
    {
        get
        {
            var text = !string.IsNullOrWhiteSpace(JwksUrl) ? JwksUrl : ProjectUrl() is { } url ? url + "/auth/v1/.well-known/jwks.json" : null;
            return text is not null && Uri.TryCreate(text, UriKind.Absolute, out var uri) ? uri : null;
        }
    }

    private string? ProjectUrl() => string.IsNullOrWhiteSpace(Url) ? null : Url.Trim().TrimEnd('/');
}
