using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Domain.Application.Common;
using Domain.Application.Identity;
using Domain.AspNetCore.Telemetry;
using Domain.Identity;
using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Domain.IntegrationTests.Http;

/// <summary>
/// What <c>AddDomainForSupabase</c> registers with OpenTelemetry reaches an exporter: Npgsql's spans and the layer's
/// own (the claims statement of a transaction), and the layer's metrics (claims statements, verified tokens).
/// </summary>
public sealed class TelemetryTests(MigratedDatabase database) : ApiTest(database)
{
    private readonly List<Activity> _spans = [];
    private readonly List<Metric> _metrics = [];

    protected override ApiHost CreateApi() => ApiHost.Create(Database, Jwks, services: services => services.AddOpenTelemetry()
        .WithTracing(tracing => tracing.AddInMemoryExporter(_spans))
        .WithMetrics(metrics => metrics.AddInMemoryExporter(_metrics)));

    [Fact]
    public async Task ARequestThatWrites_LeavesNpgsqlSpans_TheClaimsSpan_AndTheLayersMetrics()
    {
        var alice = await Database.CreateUserAsync();

        var created = await ClientFor(alice).PostAsJsonAsync("/sessions", new { title = "traced" });
        Api.Services.GetRequiredService<TracerProvider>().ForceFlush();
        Api.Services.GetRequiredService<MeterProvider>().ForceFlush();

        // The host's background services keep exporting spans while the test reads them: read a copy (List.ToArray
        // copies without enumerating, so a concurrent Add cannot make it throw).
        var spans = _spans.ToArray();
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Contains(spans, s => s.Source.Name == "Npgsql");
        Assert.Contains(spans, s => s.Source.Name == PersistenceTelemetry.ActivitySourceName
            && s.OperationName == PersistenceTelemetry.ClaimsActivityName && Equals(s.GetTagItem("db.role"), "authenticated"));
        var metrics = _metrics.ToArray();
        Assert.Contains(metrics, m => m.MeterName == PersistenceTelemetry.MeterName && m.Name == PersistenceTelemetry.ClaimsStatementsInstrument);
        Assert.Contains(metrics, m => m.MeterName == DomainWebTelemetry.MeterName && m.Name == DomainWebTelemetry.TokensInstrument);
    }

    [Fact]
    public async Task APIKeys_AcceptedAndRefused_AreCountedByOutcome()
    {
        var alice = await Database.CreateUserAsync();
        var key = await Api.Services.GetRequiredService<ApiKeyStore>()
            .CreateAsync(Caller.Service, new CreateApiKeyRequest("counted", ["sessions:read"], UserId: alice));

        foreach (var presented in new[] { key.Secret, ApiKeySecret.Generate() })
        {
            var client = Client(null);
            client.DefaultRequestHeaders.Add("X-Api-Key", presented);
            await client.GetAsync("/sessions");
        }

        Api.Services.GetRequiredService<MeterProvider>().ForceFlush();

        var outcomes = _metrics.Where(m => m.MeterName == DomainWebTelemetry.MeterName && m.Name == DomainWebTelemetry.ApiKeysInstrument)
            .SelectMany(Outcomes).ToList();
        Assert.Contains(("accepted", "authenticated"), outcomes);
        Assert.Contains(("refused", "unknown"), outcomes);
    }

    private static IEnumerable<(string Outcome, string RoleOrReason)> Outcomes(Metric metric)
    {
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            string? outcome = null, detail = null;
            foreach (var tag in point.Tags)
            {
                switch (tag.Key)
                {
                    case "outcome": outcome = tag.Value as string; break;
                    case "role" or "reason": detail = tag.Value as string; break;
                }
            }

            yield return (outcome!, detail!);
        }
    }
}
