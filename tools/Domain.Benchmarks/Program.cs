using System.Globalization;
using System.Text;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using Perfolizer.Horology;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Domain.Benchmarks;

// dotnet run -c Release --project tools/Domain.Benchmarks -- [--quick] [--no-prepare] [--settings "<k=v;…>"] [--output file.md] [--filter <class>] [--probe N] [--explain]
//     [--scale-out [--clients 32] [--rounds 5] [--seconds 2] [--pool-size 4]] [--audit-cost 20]
var quick = args.Contains("--quick");
var output = ValueOf("--output");
var filter = ValueOf("--filter");
var scale = quick ? BenchmarkScale.Quick : BenchmarkScale.Full;
if (args.Contains("--no-prepare"))
{
    // As behind a transaction-mode pooler: the data layer's automatic preparation off.
    BenchmarkDatabase.ConnectionSettings = ";Max Auto Prepare=0";
}

if (ValueOf("--settings") is { } extraSettings)
{
    // Connection-string settings for every variant, for measuring what a setting costs (";No Reset On Close=true", say).
    BenchmarkDatabase.ConnectionSettings += ";" + extraSettings.TrimStart(';');
}

Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;
await using var database = await BenchmarkDatabase.OpenAsync(scale);

if (args.Contains("--explain"))
{
    // The plans of the policy-only page and its filtered counterparts at the loaded scale, then nothing else.
    await PlanReport.RunAsync(database);
    return;
}

if (args.Contains("--scale-out"))
{
    // Many concurrent clients straight to the primary, through PgBouncer and on a standby: throughput, not BenchmarkDotNet.
    var scaleOut = await ScaleOutRun.RunAsync(
        database,
        int.Parse(ValueOf("--clients") ?? "32", CultureInfo.InvariantCulture),
        int.Parse(ValueOf("--rounds") ?? "5", CultureInfo.InvariantCulture),
        TimeSpan.FromSeconds(int.Parse(ValueOf("--seconds") ?? "2", CultureInfo.InvariantCulture)),
        int.Parse(ValueOf("--pool-size") ?? "4", CultureInfo.InvariantCulture));
    Console.WriteLine();
    Console.WriteLine($"Scale: {scale.Describe()}. Server: {database.ServerDescription}.");
    Console.WriteLine(scaleOut);
    if (output is not null)
    {
        await File.WriteAllTextAsync(output, scaleOut);
    }

    return;
}

if (ValueOf("--audit-cost") is { } auditRounds)
{
    // The audit trail's cost: the same operations with the audit triggers on and off, interleaved (AuditCostRun).
    var auditCost = await AuditCostRun.RunAsync(int.Parse(auditRounds, CultureInfo.InvariantCulture));
    Console.WriteLine();
    Console.WriteLine($"Scale: {scale.Describe()}. Server: {database.ServerDescription}. Machine: {Environment.ProcessorCount} cores.");
    Console.WriteLine(auditCost);
    if (output is not null)
    {
        await File.WriteAllTextAsync(output, auditCost);
    }

    return;
}

if (ValueOf("--probe") is { } probeCount)
{
    // Plain loops without BenchmarkDotNet: a quick look at where time goes while investigating.
    await Probe.RunAsync(Scenarios(filter, quick), int.Parse(probeCount, CultureInfo.InvariantCulture));
    return;
}

// --quick: shorter iterations (250 ms instead of BenchmarkDotNet's 500 ms) but a few more of them, so that the
// whole suite stays under five minutes on two cores with a median that is less at the mercy of one noisy iteration.
var job = new Job(quick ? "quick" : "full")
    .WithToolchain(InProcessEmitToolchain.Instance)
    .WithLaunchCount(1)
    .WithWarmupCount(quick ? 2 : 4)
    .WithIterationCount(quick ? 9 : 15);
if (quick)
{
    job = job.WithIterationTime(TimeInterval.FromMilliseconds(250));
}
var config = ManualConfig.CreateEmpty()
    .AddJob(job)
    .AddLogger(ConsoleLogger.Default)
    .AddColumnProvider(DefaultColumnProviders.Instance)
    .WithOptions(ConfigOptions.JoinSummary);

var selected = Scenarios(filter, quick);
var summaries = BenchmarkRunner.Run(selected, config);

var settingsNote = BenchmarkDatabase.ConnectionSettings.Length == 0
    ? string.Empty
    : $", connection settings \"{BenchmarkDatabase.ConnectionSettings.TrimStart(';')}\"" + (args.Contains("--no-prepare") ? " (raw Npgsql still prepares)" : string.Empty);
var table = MarkdownTable(summaries, scale, database.ServerDescription, job.Id + settingsNote);
Console.WriteLine();
Console.WriteLine(table);
if (output is not null)
{
    await File.WriteAllTextAsync(output, table);
    Console.WriteLine($"written to {output}");
}

// --quick leaves out the alternatives the usage writer was chosen against and the audit trail's on/off comparison,
// unless --filter names them.
static Type[] Scenarios(string? filter, bool quick)
{
    Type[] all =
    [
        typeof(ReadById), typeof(KeysetPage), typeof(PolicyOnlyPage), typeof(LoadAggregate), typeof(AddRevision), typeof(AppendHundred), typeof(SummaryView), typeof(Ingest),
        typeof(IngestThroughRecorder), typeof(IngestAlternatives), typeof(RecordOne), typeof(ApiReadById), typeof(ActivePromptRead),
        typeof(DeletionQueue), typeof(CountReads), typeof(AuditTrailCost),
    ];
    return [.. all.Where(t => filter is null
        ? !(quick && (t == typeof(IngestAlternatives) || t == typeof(AuditTrailCost)))
        : t.Name.Contains(filter, StringComparison.OrdinalIgnoreCase))];
}

string? ValueOf(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

static string MarkdownTable(IEnumerable<Summary> summaries, BenchmarkScale scale, string server, string jobName)
{
    var reports = summaries.SelectMany(s => s.Reports).Where(r => r.ResultStatistics is not null).ToList();
    var text = new StringBuilder();
    text.AppendLine(CultureInfo.InvariantCulture, $"Scale: {scale.Describe()}. Server: {server}. Job: {jobName}. "
        + $"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}.");
    text.AppendLine();
    text.AppendLine("| scenario | variant | median | ratio to raw Npgsql | rows/s |");
    text.AppendLine("| --- | --- | ---: | ---: | ---: |");
    // Grouped by category, so that classes sharing one (the ingest classes) form one group with one baseline.
    // A scenario with parameters is one group per combination, each with its own baseline.
    foreach (var group in reports.GroupBy(r => Category(r.BenchmarkCase.Descriptor.Type) + Parameters(r)))
    {
        var baseline = group.FirstOrDefault(r => r.BenchmarkCase.Descriptor.Baseline)?.ResultStatistics!.Median;
        foreach (var report in group)
        {
            var median = report.ResultStatistics!.Median;
            var ratio = baseline is { } b && b > 0 ? (median / b).ToString("0.00", CultureInfo.InvariantCulture) + "×" : "-";
            var rows = RowsPerOperation(report.BenchmarkCase.Descriptor.Type) is { } n
                ? (n / (median / 1e9)).ToString("N0", CultureInfo.InvariantCulture)
                : string.Empty;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {group.Key} | {report.BenchmarkCase.Descriptor.WorkloadMethod.Name} | {Format(median)} | {ratio} | {rows} |");
        }
    }

    return text.ToString();
}

static string Parameters(BenchmarkReport report)
    => report.BenchmarkCase.HasParameters ? $" ({report.BenchmarkCase.Parameters.DisplayInfo.Trim('[', ']')})" : string.Empty;

static string Category(Type type) => type.GetCustomAttributes(typeof(BenchmarkDotNet.Attributes.BenchmarkCategoryAttribute), false)
    .Cast<BenchmarkDotNet.Attributes.BenchmarkCategoryAttribute>().SelectMany(c => c.Categories).FirstOrDefault() ?? type.Name;

static int? RowsPerOperation(Type type)
    => type == typeof(Ingest) || type == typeof(IngestThroughRecorder) || type == typeof(IngestAlternatives) ? Ingest.Rows
        : type == typeof(DeletionQueue) ? DeletionQueue.Jobs
        : type == typeof(CountReads) ? CountReads.Reads
        : null;

static string Format(double nanoseconds) => nanoseconds switch
{
    >= 1e9 => (nanoseconds / 1e9).ToString("0.00 's'", CultureInfo.InvariantCulture),
    >= 1e6 => (nanoseconds / 1e6).ToString("0.00 'ms'", CultureInfo.InvariantCulture),
    >= 1e3 => (nanoseconds / 1e3).ToString("0.0 'µs'", CultureInfo.InvariantCulture),
    _ => nanoseconds.ToString("0 'ns'", CultureInfo.InvariantCulture),
};
