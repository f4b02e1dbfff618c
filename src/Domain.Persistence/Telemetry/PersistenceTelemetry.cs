using System.Diagnostics;
using System.Diagnostics.Metrics;
using Domain.Persistence.Rls;

namespace Domain.Persistence.Telemetry;

/// <summary>
/// The data layer's own traces and metrics, beside Npgsql's: which caller role each claims statement set, and how it
/// was sent. Subscribe with <see cref="ActivitySourceName"/> and <see cref="MeterName"/> (OpenTelemetry's
/// <c>AddSource</c> and <c>AddMeter</c>); nothing is recorded while nobody listens.
/// </summary>
public static class PersistenceTelemetry
{
    /// <summary>The <see cref="ActivitySource"/> of the data layer.</summary>
    public const string ActivitySourceName = "Domain.Persistence";

    /// <summary>The <see cref="Meter"/> of the data layer.</summary>
    public const string MeterName = "Domain.Persistence";

    /// <summary>The activity around the claims statement that starts a transaction (a round trip of its own).</summary>
    public const string ClaimsActivityName = "domain.rls.set_claims";

    /// <summary>Counts claims statements by role and by how they were sent (<c>transaction</c> or <c>prepended</c>).</summary>
    public const string ClaimsStatementsInstrument = "domain.rls.claims_statements";

    private static readonly ActivitySource Source = new(ActivitySourceName);
    private static readonly Meter LayerMeter = new(MeterName);

    private static readonly Counter<long> ClaimsStatements = LayerMeter.CreateCounter<long>(
        ClaimsStatementsInstrument, "{statement}", "Claims statements sent, by database role and by how they were sent");

    /// <summary>A claims statement sent as its own command when a transaction starts: an activity for its round trip, and counted.</summary>
    internal static Activity? StartClaimsInTransaction(RlsClaims claims)
    {
        ClaimsStatements.Add(1, new KeyValuePair<string, object?>("db.role", claims.Role), new KeyValuePair<string, object?>("domain.rls.sent", "transaction"));
        var activity = Source.StartActivity(ClaimsActivityName, ActivityKind.Internal);
        activity?.SetTag("db.role", claims.Role);
        return activity;
    }

    /// <summary>A claims statement prepended to a command outside a transaction: no round trip of its own, so only counted.</summary>
    internal static void ClaimsPrepended(RlsClaims claims)
        => ClaimsStatements.Add(1, new KeyValuePair<string, object?>("db.role", claims.Role), new KeyValuePair<string, object?>("domain.rls.sent", "prepended"));
}
