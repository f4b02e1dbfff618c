using Domain.Persistence.Rls;

namespace Domain.Application.Common;

/// <summary>
/// Who is acting: a signed-in user (possibly an admin), the backend, or nobody. Every store operation acts for one
/// caller, and PostgreSQL's row-level security decides what that caller reaches. The one place that turns a caller
/// into the claims the database sees is <see cref="Claims"/>.
/// </summary>
public sealed class Caller
{
    private Caller(RlsClaims claims, Guid? apiKeyId = null, IReadOnlySet<string>? scopes = null)
    {
        Claims = claims;
        ApiKeyId = apiKeyId;
        Scopes = scopes;
    }

    /// <summary>Nobody signed in: reaches no row.</summary>
    public static Caller Anonymous { get; } = new(RlsClaims.Anonymous);

    /// <summary>Trusted backend work: every row, no RLS (the service role).</summary>
    public static Caller Service { get; } = new(RlsClaims.Service);

    /// <summary>The user's id; null for <see cref="Anonymous"/> and <see cref="Service"/>.</summary>
    public Guid? UserId => Claims.UserId;

    /// <summary>Whether the caller is a signed-in user.</summary>
    public bool IsUser => UserId is not null;

    /// <summary>Whether nobody is signed in: such a caller owns nothing and reaches no row.</summary>
    public bool IsAnonymous => Claims.Role == RlsClaims.AnonRole;

    /// <summary>Whether the caller acts as an admin (the database role <c>domain_admin</c>).</summary>
    public bool IsAdmin => Claims.Role == RlsClaims.AdminRole;

    /// <summary>Whether the caller is the backend (the service role).</summary>
    public bool IsService => Claims.Role == RlsClaims.ServiceRole;

    /// <summary>The API key the caller presented; null for every other caller.</summary>
    public Guid? ApiKeyId { get; }

    /// <summary>
    /// What the caller may be used for when it presented an API key: the key's scopes. Null for every other caller,
    /// who is not limited by scopes (see <see cref="HasScope"/>). The database does not read scopes: row-level
    /// security acts for the key's owner, and the application decides which operations a scope allows.
    /// </summary>
    public IReadOnlySet<string>? Scopes { get; }

    /// <summary>The claims the database sees for this caller.</summary>
    internal RlsClaims Claims { get; }

    /// <summary>A signed-in user.</summary>
    /// <exception cref="ArgumentException">The id is empty, or the email cannot be sent to PostgreSQL as text.</exception>
    public static Caller User(Guid userId, string? email = null) => new(RlsClaims.ForUser(userId, email));

    /// <summary>A signed-in administrator: reads every user's rows, changes only their own.</summary>
    public static Caller Admin(Guid userId, string? email = null) => new(RlsClaims.ForAdmin(userId, email));

    /// <summary>
    /// The caller a verified token describes, with all of its claims (for example a Supabase access token's payload
    /// after its signature, issuer, audience and expiry were checked).
    /// </summary>
    /// <exception cref="ArgumentException">The claims cannot be trusted or sent as they are; the message says why.</exception>
    public static Caller FromVerifiedClaims(string payloadJson) => new(RlsClaims.FromJwtPayload(payloadJson));

    /// <summary>Whether the caller may do what <paramref name="scope"/> names: always, unless it is limited by an API key's scopes.</summary>
    public bool HasScope(string scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return Scopes is null || Scopes.Contains(scope);
    }

    /// <summary>
    /// The owner of a verified API key, with the key's scopes: an admin or an ordinary user as the owner's profile says
    /// (<paramref name="ownerIsAdmin"/>).
    /// </summary>
    internal static Caller ForApiKey(Guid userId, string? email, bool ownerIsAdmin, Guid apiKeyId, IEnumerable<string> scopes)
        => new(
            ownerIsAdmin ? RlsClaims.ForAdmin(userId, email) : RlsClaims.ForUser(userId, email),
            apiKeyId,
            scopes.ToHashSet(StringComparer.Ordinal));

    /// <summary>This caller with the role <paramref name="isAdmin"/> says (what the caller's profile holds), the rest kept.</summary>
    internal Caller WithProfileRole(bool isAdmin)
        => UserId is null || IsAdmin == isAdmin ? this : new Caller(Claims.WithProfileRole(isAdmin), ApiKeyId, Scopes);

    /// <inheritdoc />
    public override string ToString() => ApiKeyId is { } key ? $"{Claims} (API key {key})" : Claims.ToString();
}
