using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Domain.Application.Telemetry;

/// <summary>
/// The application layer's own traces and metrics: the background recorders' batches (one activity per write
/// attempt, counters of records written and of failed attempts, a histogram of batch sizes). Subscribe with
/// <see cref="ActivitySourceName"/> and <see cref="MeterName"/>; nothing is recorded while nobody listens.
/// </summary>
public static class ApplicationTelemetry
{
    /// <summary>The <see cref="ActivitySource"/> of the application layer.</summary>
    public const string ActivitySourceName = "Domain.Application";

    /// <summary>The <see cref="Meter"/> of the application layer.</summary>
    public const string MeterName = "Domain.Application";

    /// <summary>One attempt to append a batch to a ledger table.</summary>
    public const string LedgerBatchActivityName = "domain.ledger.write_batch";

    /// <summary>Records committed to a ledger table, tagged with the table.</summary>
    public const string LedgerRecordsWrittenInstrument = "domain.ledger.records_written";

    /// <summary>Failed batch attempts, tagged with the table and <c>transient</c> or <c>refused</c>.</summary>
    public const string LedgerBatchFailuresInstrument = "domain.ledger.batch_failures";

    /// <summary>Records per committed batch, tagged with the table.</summary>
    public const string LedgerBatchSizeInstrument = "domain.ledger.batch_size";

    private static readonly ActivitySource Source = new(ActivitySourceName);
    private static readonly Meter LayerMeter = new(MeterName);

    private static readonly Counter<long> RecordsWritten = LayerMeter.CreateCounter<long>(
        LedgerRecordsWrittenInstrument, "{record}", "Records committed to a ledger table");

    private static readonly Counter<long> BatchFailures = LayerMeter.CreateCounter<long>(
        LedgerBatchFailuresInstrument, "{attempt}", "Failed attempts to append a batch to a ledger table");

    private static readonly Histogram<int> BatchSize = LayerMeter.CreateHistogram<int>(
        LedgerBatchSizeInstrument, "{record}", "Records per committed ledger batch");

    /// <summary>Starts the activity of one attempt to append <paramref name="count"/> records to <paramref name="table"/>.</summary>
    internal static Activity? StartLedgerBatch(string table, int count, int attempt)
    {
        var activity = Source.StartActivity(LedgerBatchActivityName, ActivityKind.Internal);
        if (activity is not null)
        {
            activity.SetTag("db.collection.name", table);
            activity.SetTag("domain.ledger.batch_size", count);
            activity.SetTag("domain.ledger.attempt", attempt);
        }

        return activity;
    }

    internal static void LedgerBatchCommitted(Activity? activity, string table, int count)
    {
        var tag = new KeyValuePair<string, object?>("db.collection.name", table);
        RecordsWritten.Add(count, tag);
        BatchSize.Record(count, tag);
        activity?.SetStatus(ActivityStatusCode.Ok);
    }

    internal static void LedgerBatchFailed(Activity? activity, string table, bool transient, Exception failure)
    {
        BatchFailures.Add(
            1, new KeyValuePair<string, object?>("db.collection.name", table), new KeyValuePair<string, object?>("domain.ledger.failure", transient ? "transient" : "refused"));
        activity?.SetStatus(ActivityStatusCode.Error, failure.Message);
        activity?.SetTag("error.type", failure.GetType().FullName);
    }
}
