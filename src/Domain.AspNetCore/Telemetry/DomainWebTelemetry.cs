using System.Diagnostics.Metrics;
using Domain.Application.Common;
using Domain.Application.Telemetry;
using Domain.Persistence.Telemetry;

namespace Domain.AspNetCore.Telemetry;

/// <summary>
/// The names to subscribe to for this layer's traces and metrics, and the web integration's own meter (tokens
/// accepted and refused). <c>AddDomainForSupabase</c> registers all of them with OpenTelemetry, with Npgsql's.
/// </summary>
public static class DomainWebTelemetry
{
    /// <summary>The <see cref="Meter"/> of the web integration.</summary>
    public const string MeterName = "Domain.AspNetCore";

    /// <summary>Tokens verified, tagged <c>outcome</c> (<c>accepted</c> or <c>refused</c>) and the role or the reason.</summary>
    public const string TokensInstrument = "domain.auth.tokens";

    private static readonly Meter WebMeter = new(MeterName);

    private static readonly Counter<long> Tokens = WebMeter.CreateCounter<long>(TokensInstrument, "{token}", "Bearer tokens verified, by outcome");

    /// <summary>Every activity source of the layer: the data layer's and the application layer's.</summary>
    public static IReadOnlyList<string> ActivitySourceNames { get; } = [PersistenceTelemetry.ActivitySourceName, ApplicationTelemetry.ActivitySourceName];

    /// <summary>Every meter of the layer: the data layer's, the application layer's and the web integration's.</summary>
    public static IReadOnlyList<string> MeterNames { get; } = [PersistenceTelemetry.MeterName, ApplicationTelemetry.MeterName, MeterName];

    internal static void TokenAccepted(Caller caller)
        => Tokens.Add(1, new KeyValuePair<string, object?>("outcome", "accepted"), new KeyValuePair<string, object?>("role", caller.IsUser ? "authenticated" : "other"));

    internal static void TokenRefused(string reason)
        => Tokens.Add(1, new KeyValuePair<string, object?>("outcome", "refused"), new KeyValuePair<string, object?>("reason", reason));
}
