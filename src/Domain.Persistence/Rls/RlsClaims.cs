using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Domain.Common;

namespace Domain.Persistence.Rls;

/// <summary>
/// Who a <see cref="DomainDbContext"/> acts for: the claims PostgreSQL sees in <c>request.jwt.claims</c> and the
/// role it switches to, exactly as PostgREST sends them on Supabase. The only place claims are built.
/// </summary>
/// <remarks>
/// Claims reach PostgreSQL only in a form it reads the way .NET did: a <c>sub</c> in canonical UUID text (lower case,
/// 8-4-4-4-12), no key twice in any object (PostgreSQL would keep the last one, .NET may have checked the first), no
/// text PostgreSQL refuses (NUL, the escape <c>\u0000</c>, unpaired surrogates, numbers beyond its numeric type), and at
/// most <see cref="MaxJsonLength"/> characters of JSON. Anything else is refused with an <see cref="ArgumentException"/>
/// saying what is wrong, before any statement is sent.
/// </remarks>
public sealed class RlsClaims
{
    /// <summary>The largest claims document accepted, in characters of JSON (Supabase's tokens are a few hundred).</summary>
    public const int MaxJsonLength = 16 * 1024;

    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The role of a signed-in user.</summary>
    public const string AuthenticatedRole = "authenticated";

    /// <summary>The role of a caller without identity; it reaches no row.</summary>
    public const string AnonRole = "anon";

    /// <summary>The backend role; it bypasses RLS (BYPASSRLS).</summary>
    public const string ServiceRole = "service_role";

    /// <summary>
    /// The role of a signed-in admin: a database role of this project's own (NOLOGIN), with its own policies that read
    /// every row and write only the admin's own. Not a Supabase role: a Supabase project grants it to
    /// <c>authenticator</c> and puts it in admins' tokens (README, Security).
    /// </summary>
    public const string AdminRole = "domain_admin";

    /// <summary>The value of the server-controlled <c>app_metadata.role</c> claim that makes a signed-in user an admin.</summary>
    public const string AdminMetadataRole = "admin";

    /// <summary>
    /// Every database role claims may name, so every role the login role must be allowed to switch to; the claims
    /// statement fails for any other.
    /// </summary>
    public static IReadOnlyList<string> DatabaseRoles { get; } = [AnonRole, AuthenticatedRole, AdminRole, ServiceRole];

    private RlsClaims(string role, Guid? userId, JsonObject claims)
    {
        var json = claims.ToJsonString(Compact);
        if (json.Length > MaxJsonLength)
        {
            throw new ArgumentException(
                $"The claims are {json.Length} characters of JSON; at most {MaxJsonLength} are accepted.", nameof(claims));
        }

        if (StorableJson.Problem(json, JsonValueKind.Object) is { } problem)
        {
            throw new ArgumentException($"The claims {problem}.", nameof(claims));
        }

        Role = role;
        UserId = userId;
        Json = json;
        Subject = StringClaim(claims, "sub") ?? string.Empty;
        Email = StringClaim(claims, "email") ?? string.Empty;
    }

    /// <summary>A caller without identity.</summary>
    public static RlsClaims Anonymous { get; } = new(AnonRole, null, new JsonObject { ["role"] = AnonRole });

    /// <summary>The service role: every row, no RLS. Use for trusted backend work only.</summary>
    public static RlsClaims Service { get; } = new(ServiceRole, null, new JsonObject { ["role"] = ServiceRole });

    /// <summary>The database role the transaction switches to: one of <see cref="DatabaseRoles"/>.</summary>
    public string Role { get; }

    /// <summary>The user's id (the <c>sub</c> claim) of a signed-in user or admin, or null for anon and the service role.</summary>
    public Guid? UserId { get; }

    /// <summary>The claims as the JSON text sent to <c>request.jwt.claims</c>.</summary>
    public string Json { get; }

    /// <summary>The <c>sub</c> claim as sent to <c>request.jwt.claim.sub</c>; empty when the claims have none.</summary>
    internal string Subject { get; }

    /// <summary>The <c>email</c> claim as sent to <c>request.jwt.claim.email</c>; empty when the claims have none.</summary>
    internal string Email { get; }

    /// <summary>
    /// A signed-in user. <paramref name="appMetadata"/> is server-controlled metadata: <c>{"role": "admin"}</c> makes an
    /// admin (<see cref="ForAdmin"/>), who acts as <see cref="AdminRole"/> and reads every row; never pass
    /// user-editable metadata here.
    /// </summary>
    public static RlsClaims ForUser(Guid userId, string? email = null, IReadOnlyDictionary<string, object?>? appMetadata = null)
    {
        if (userId == Guid.Empty)
        {
            throw new ArgumentException("A user's claims need a non-empty user id (sub).", nameof(userId));
        }

        var claims = new JsonObject
        {
            ["sub"] = userId.ToString("D"),
            ["role"] = AuthenticatedRole,
            ["aud"] = AuthenticatedRole,
        };
        if (email is not null)
        {
            if (StorableText.Problem(email) is { } problem)
            {
                throw new ArgumentException($"The email {problem}.", nameof(email));
            }

            claims["email"] = email;
        }

        var metadata = new JsonObject();
        if (appMetadata is not null)
        {
            foreach (var (key, value) in appMetadata)
            {
                metadata[key] = JsonSerializer.SerializeToNode(value);
            }
        }

        claims["app_metadata"] = metadata;
        return SignedIn(userId, claims);
    }

    /// <summary>
    /// A signed-in admin: the claims say role <see cref="AdminRole"/> (and <c>app_metadata.role</c> <c>admin</c>), and
    /// the transaction acts as that role, whose policies read every row and write only the admin's own.
    /// </summary>
    public static RlsClaims ForAdmin(Guid userId, string? email = null)
    {
        return ForUser(userId, email, new Dictionary<string, object?> { ["role"] = AdminMetadataRole });
    }

    /// <summary>
    /// Claims from a verified JWT payload (for example one Supabase Auth issued). The role is taken from the
    /// payload's <c>role</c> claim and must be one of <see cref="DatabaseRoles"/>; a signed-in payload
    /// (<c>authenticated</c> or <see cref="AdminRole"/>) needs a UUID <c>sub</c>. An <c>authenticated</c> payload
    /// whose server-controlled <c>app_metadata.role</c> is <c>admin</c> acts as <see cref="AdminRole"/>, and its
    /// <c>role</c> claim is rewritten to say so, as Supabase's custom access token hook would have written it.
    /// Anything else is refused rather than guessed.
    /// </summary>
    public static RlsClaims FromJwtPayload(string payloadJson)
    {
        ArgumentNullException.ThrowIfNull(payloadJson);
        if (payloadJson.Length > MaxJsonLength)
        {
            throw new ArgumentException(
                $"JWT claims are {payloadJson.Length} characters of JSON; at most {MaxJsonLength} are accepted.", nameof(payloadJson));
        }

        if (StorableJson.Problem(payloadJson, JsonValueKind.Object) is { } problem)
        {
            throw new ArgumentException($"JWT claims {problem}.", nameof(payloadJson));
        }

        var payload = (JsonObject)JsonNode.Parse(payloadJson)!;
        var userId = NormaliseSubject(payload);
        var role = StringClaim(payload, "role");
        return role switch
        {
            AnonRole or ServiceRole => new RlsClaims(role, null, payload),
            AuthenticatedRole or AdminRole when userId is { } id => SignedIn(id, payload),
            AuthenticatedRole or AdminRole => throw new ArgumentException($"A JWT with role '{role}' needs a UUID 'sub' claim.", nameof(payloadJson)),
            _ => throw new ArgumentException(
                $"JWT role '{role}' is not one of {string.Join(", ", DatabaseRoles)}.", nameof(payloadJson)),
        };
    }

    /// <summary>
    /// A signed-in caller: <see cref="AdminRole"/> when the claims say so (the role claim, or <c>app_metadata.role</c>
    /// <c>admin</c> on an <c>authenticated</c> token), else <see cref="AuthenticatedRole"/>. The role claim is made to
    /// agree with the role switched to, which is what <c>domain_private.set_request_context</c> checks.
    /// </summary>
    private static RlsClaims SignedIn(Guid userId, JsonObject claims)
    {
        var isAdmin = StringClaim(claims, "role") == AdminRole
            || (claims["app_metadata"] is JsonObject metadata && StringClaim(metadata, "role") == AdminMetadataRole);
        var role = isAdmin ? AdminRole : AuthenticatedRole;
        claims["role"] = role;
        return new RlsClaims(role, userId, claims);
    }

    /// <summary>
    /// The same signed-in caller with the role their profile holds: <see cref="AdminRole"/> (and <c>app_metadata.role</c>
    /// <c>admin</c>) when <paramref name="isAdmin"/>, else <see cref="AuthenticatedRole"/> (and <c>app_metadata.role</c>
    /// <c>user</c>), every other claim kept. What Supabase's custom access token hook of this project writes into a
    /// token, for claims that did not pass through it (a token issued before the role changed, a project without the
    /// hook, an API key).
    /// </summary>
    /// <exception cref="InvalidOperationException">The claims are not a signed-in user's (anon, the service role).</exception>
    public RlsClaims WithProfileRole(bool isAdmin)
    {
        if (UserId is not { } userId)
        {
            throw new InvalidOperationException($"Only a signed-in user has a profile role; these claims are {this}.");
        }

        var claims = (JsonObject)JsonNode.Parse(Json)!;
        var metadata = claims["app_metadata"] is JsonObject existing ? existing : new JsonObject();
        metadata["role"] = isAdmin ? AdminMetadataRole : "user";
        claims["app_metadata"] = metadata;
        claims["role"] = isAdmin ? AdminRole : AuthenticatedRole;
        return SignedIn(userId, claims);
    }

    /// <summary>
    /// The user id in the payload's <c>sub</c>, which is rewritten in canonical form. A <c>sub</c> is accepted only as
    /// the 36-character 8-4-4-4-12 form PostgreSQL's uuid type reads: .NET also parses braces, parentheses, hex
    /// groups and surrounding white space, which PostgreSQL refuses (so every query would fail) or reads otherwise.
    /// </summary>
    private static Guid? NormaliseSubject(JsonObject payload)
    {
        if (!payload.ContainsKey("sub"))
        {
            return null;
        }

        var sub = StringClaim(payload, "sub");
        if (sub is not { Length: 36 } || !Guid.TryParseExact(sub, "D", out var userId) || userId == Guid.Empty)
        {
            throw new ArgumentException(
                "The 'sub' claim must be a non-nil UUID in its canonical 36-character form (8-4-4-4-12 hexadecimal digits).", "payloadJson");
        }

        payload["sub"] = userId.ToString("D", CultureInfo.InvariantCulture);
        return userId;
    }

    private static string? StringClaim(JsonObject claims, string name)
        => claims[name] is JsonValue value && value.TryGetValue(out string? text) ? text : null;

    /// <summary>Whether <paramref name="other"/> is the same caller: the same role and the same claims.</summary>
    internal bool IsSameCallerAs(RlsClaims other)
        => ReferenceEquals(this, other) || (Role == other.Role && string.Equals(Json, other.Json, StringComparison.Ordinal));

    /// <inheritdoc />
    public override string ToString() => UserId is { } id ? $"{Role}:{id}" : Role;
}
