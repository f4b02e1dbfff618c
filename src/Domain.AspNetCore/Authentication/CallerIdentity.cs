using System.Security.Claims;
using Domain.Application.Common;

namespace Domain.AspNetCore.Authentication;

/// <summary>
/// The identity an authentication scheme of this layer puts in the request's principal: the claims it verified, and
/// the <see cref="Caller"/> they make, built once, when the credentials were verified. A scheme that plugs in (an API
/// key scheme, say) authenticates with a principal holding one of these; the caller of the request is read from it.
/// </summary>
public sealed class CallerIdentity : ClaimsIdentity
{
    /// <param name="caller">Who the verified credentials act for.</param>
    /// <param name="authenticationType">The scheme that verified them.</param>
    /// <param name="claims">The verified claims, for the application's own use (authorization policies, logging).</param>
    public CallerIdentity(Caller caller, string authenticationType, IEnumerable<Claim> claims)
        : base(claims, authenticationType, nameType: "sub", roleType: "role")
    {
        ArgumentNullException.ThrowIfNull(caller);
        Caller = caller;
    }

    private CallerIdentity(CallerIdentity other)
        : base(other)
    {
        Caller = other.Caller;
    }

    /// <summary>Who the request acts for.</summary>
    public Caller Caller { get; }

    /// <inheritdoc />
    public override ClaimsIdentity Clone() => new CallerIdentity(this);

    /// <summary>The caller of an authenticated <paramref name="principal"/>; null when no scheme of this layer authenticated it.</summary>
    public static Caller? CallerOf(ClaimsPrincipal? principal)
        => principal?.Identities.OfType<CallerIdentity>().FirstOrDefault(identity => identity.IsAuthenticated)?.Caller;
}
