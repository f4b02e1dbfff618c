using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Domain.Benchmarks;

/// <summary>
/// <c>--audit-cost N</c>: the operations of <see cref="AuditTrailCost"/> with the audit triggers on and off, interleaved
/// in one process. Each of <c>N</c> rounds runs every operation in a batch with the triggers on and a batch with them
/// off, in alternating order (on first in even rounds, off first in odd ones), so that a neighbour's load on a shared
/// machine falls on both states alike; the per-round ratio on/off compares two batches taken a fraction of a second
/// apart. Reported: the median time per operation in each state and the median of the per-round ratios.
/// </summary>
internal static class AuditCostRun
{
    public static async Task<string> RunAsync(int rounds)
    {
        var scenario = new AuditTrailCost();
        (string Name, int Batch, Func<Task> Run)[] operations =
        [
            (nameof(AuditTrailCost.AddRevisionNewIr), 200, () => scenario.AddRevisionNewIr()),
            (nameof(AuditTrailCost.AddRevisionSameIr), 200, () => scenario.AddRevisionSameIr()),
            (nameof(AuditTrailCost.AddRevisionThroughAggregateNewIr), 100, () => scenario.AddRevisionThroughAggregateNewIr()),
            (nameof(AuditTrailCost.Ingest10000), 3, () => scenario.Ingest10000()),
        ];
        var samples = operations.ToDictionary(o => o.Name, _ => (On: new List<double>(), Off: new List<double>()));

        try
        {
            foreach (var state in new[] { "on", "off" })
            {
                await SetAsync(scenario, state);
                foreach (var operation in operations)
                {
                    await BatchAsync(operation.Batch, operation.Run);
                }
            }

            for (var round = 0; round < rounds; round++)
            {
                foreach (var operation in operations)
                {
                    foreach (var state in round % 2 == 0 ? new[] { "on", "off" } : ["off", "on"])
                    {
                        await SetAsync(scenario, state);
                        var perOperation = await BatchAsync(operation.Batch, operation.Run);
                        (state == "on" ? samples[operation.Name].On : samples[operation.Name].Off).Add(perOperation);
                    }
                }
            }
        }
        finally
        {
            await scenario.EnableTriggersAsync();
        }

        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{rounds} rounds, each operation in batches ({string.Join(", ", operations.Select(o => $"{o.Name} {o.Batch}"))}) with the audit triggers on and off, alternating.");
        text.AppendLine();
        text.AppendLine("| operation | audit on | audit off | on − off | ratio on/off (median of rounds) |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var operation in operations)
        {
            var (on, off) = samples[operation.Name];
            var ratios = on.Zip(off, (a, b) => a / b).ToList();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {operation.Name} | {Format(Median(on))} | {Format(Median(off))} | {Format(Median(on) - Median(off))} | {Median(ratios):0.00}× |");
        }

        return text.ToString();
    }

    private static async Task SetAsync(AuditTrailCost scenario, string state)
    {
        scenario.AuditTrail = state;
        await scenario.SetTriggersAsync();
    }

    /// <summary>Runs <paramref name="run"/> <paramref name="count"/> times; returns microseconds per run.</summary>
    private static async Task<double> BatchAsync(int count, Func<Task> run)
    {
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            await run();
        }

        return watch.Elapsed.TotalMicroseconds / count;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Format(double microseconds) => Math.Abs(microseconds) >= 1000
        ? (microseconds / 1000).ToString("0.00 'ms'", CultureInfo.InvariantCulture)
        : microseconds.ToString("0.0 'µs'", CultureInfo.InvariantCulture);
}
