using System.Text.Json;
using System.Text.Json.Nodes;

namespace Domain.Persistence.Rls;

/// <summary>
/// Who a <see cref="DomainDbContext"/> acts for: the claims PostgreSQL sees in <c>request.jwt.claims</c> and the
/// role it switches to, exactly as PostgREST sends them on Supabase. The only place claims are built.
/// </summary>
public sealed class RlsClaims
{
    /// <summary>The role of a signed-in user.</summary>
    public const string AuthenticatedRole = "authenticated";

    /// <summary>The role of a caller without identity; it reaches no row.</summary>
    public const string AnonRole = "anon";

    /// <summary>The backend role; it bypasses RLS (BYPASSRLS).</summary>
    public const string ServiceRole = "service_role";

    private RlsClaims(string role, Guid? userId, JsonObject claims)
    {
        Role = role;
        UserId = userId;
        Json = claims.ToJsonString();
        Subject = claims["sub"] is JsonValue sub && sub.TryGetValue(out string? value) ? value : string.Empty;
    }

    /// <summary>A caller without identity.</summary>
    public static RlsClaims Anonymous { get; } = new(AnonRole, null, new JsonObject { ["role"] = AnonRole });

    /// <summary>The service role: every row, no RLS. Use for trusted backend work only.</summary>
    public static RlsClaims Service { get; } = new(ServiceRole, null, new JsonObject { ["role"] = ServiceRole });

    /// <summary>The database role the transaction switches to: anon, authenticated or service_role.</summary>
    public string Role { get; }

    /// <summary>The user's id (the <c>sub</c> claim), or null for anon and the service role.</summary>
    public Guid? UserId { get; }

    /// <summary>The claims as the JSON text sent to <c>request.jwt.claims</c>.</summary>
    public string Json { get; }

    /// <summary>The <c>sub</c> claim as sent to <c>request.jwt.claim.sub</c>; empty when the claims have none.</summary>
    internal string Subject { get; }

    /// <summary>
    /// A signed-in user. <paramref name="appMetadata"/> is server-controlled metadata
    /// (<c>{"role": "admin"}</c> makes an admin who may read every row); never pass user-editable metadata here.
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
        return new RlsClaims(AuthenticatedRole, userId, claims);
    }

    /// <summary>A signed-in user whose server-controlled <c>app_metadata.role</c> is <c>admin</c>.</summary>
    public static RlsClaims ForAdmin(Guid userId, string? email = null)
    {
        return ForUser(userId, email, new Dictionary<string, object?> { ["role"] = "admin" });
    }

    /// <summary>
    /// Claims from a verified JWT payload (for example one Supabase Auth issued). The role is taken from the
    /// payload's <c>role</c> claim and must be one of anon, authenticated or service_role; an authenticated
    /// payload needs a UUID <c>sub</c>. Anything else is refused rather than guessed.
    /// </summary>
    public static RlsClaims FromJwtPayload(string payloadJson)
    {
        JsonObject payload;
        try
        {
            payload = JsonNode.Parse(payloadJson) as JsonObject
                ?? throw new ArgumentException("JWT claims must be a JSON object.", nameof(payloadJson));
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"JWT claims are not valid JSON: {ex.Message}", nameof(payloadJson), ex);
        }

        var role = payload["role"] is JsonValue roleValue && roleValue.TryGetValue(out string? r) ? r : null;
        switch (role)
        {
            case AnonRole:
                return new RlsClaims(AnonRole, null, payload);
            case ServiceRole:
                return new RlsClaims(ServiceRole, null, payload);
            case AuthenticatedRole:
                var sub = payload["sub"] is JsonValue subValue && subValue.TryGetValue(out string? s) ? s : null;
                if (!Guid.TryParse(sub, out var userId) || userId == Guid.Empty)
                {
                    throw new ArgumentException("An authenticated JWT needs a UUID 'sub' claim.", nameof(payloadJson));
                }

                return new RlsClaims(AuthenticatedRole, userId, payload);
            default:
                throw new ArgumentException(
                    $"JWT role '{role}' is not one of {AnonRole}, {AuthenticatedRole}, {ServiceRole}.", nameof(payloadJson));
        }
    }

    /// <inheritdoc />
    public override string ToString() => UserId is { } id ? $"{Role}:{id}" : Role;
}
