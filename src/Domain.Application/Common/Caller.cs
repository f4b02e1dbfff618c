using Domain.Persistence.Rls;

namespace Domain.Application.Common;

/// <summary>
/// Who is acting: a signed-in user (possibly an admin), the backend, or nobody. Every store operation acts for one
/// caller, and PostgreSQL's row-level security decides what that caller reaches. The one place that turns a caller
/// into the claims the database sees is <see cref="Claims"/>.
/// </summary>
public sealed class Caller
{
    private Caller(RlsClaims claims)
    {
        Claims = claims;
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

    /// <inheritdoc />
    public override string ToString() => Claims.ToString();
}
