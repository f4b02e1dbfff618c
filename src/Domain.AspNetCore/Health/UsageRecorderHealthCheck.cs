using Domain.Application.Ledgers;
using Domain.Application.Usage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Domain.AspNetCore.Health;

/// <summary>
/// The usage recorder runs and its writes succeed: unhealthy when it is not running (never started, stopping, or its
/// writer ended), degraded while its last write attempt failed (it keeps the records and retries).
/// </summary>
internal sealed class UsageRecorderHealthCheck(UsageRecorder recorder) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = recorder.Status;
        var data = new Dictionary<string, object> { ["state"] = status.State.ToString(), ["unwritten"] = status.Unwritten };
        var result = status switch
        {
            { State: not RecorderState.Running } => HealthCheckResult.Unhealthy(
                $"The usage recorder is {status.State}; {status.Unwritten} records are not written.", status.LastFailure, data),
            { LastFailure: { } failure } => HealthCheckResult.Degraded(
                $"The usage recorder's last write failed and is retried; {status.Unwritten} records wait: {failure.Message}", failure, data),
            _ => HealthCheckResult.Healthy($"Running; {status.Unwritten} records queued.", data),
        };
        return Task.FromResult(result);
    }
}
