using Microsoft.Extensions.Logging;

namespace Domain.Application.Ledgers;

/// <summary>What a ledger recorder logs. Every entry names the ledger's table, the count and the first record's id.</summary>
internal static partial class LedgerRecorderLog
{
    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Writing {Count} records to {Ledger} (first id {FirstId}) failed transiently (failure {Failures}); "
            + "they are kept and retried in {Delay}.")]
    public static partial void TransientFailure(
        this ILogger logger, Exception exception, string ledger, int count, Guid firstId, int failures, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Writing {Count} records to {Ledger} (first id {FirstId}) was refused (failure {Failures}); "
            + "they are kept and retried in {Delay}, and FlushAsync reports them until they are written.")]
    public static partial void Refused(
        this ILogger logger, Exception exception, string ledger, int count, Guid firstId, int failures, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Writing {Count} records to {Ledger} (first id {FirstId}) was refused while the recorder stops "
            + "(failure {Failures}); StopAsync hands them back with what is still queued.")]
    public static partial void RefusedWhileStopping(
        this ILogger logger, Exception exception, string ledger, int count, Guid firstId, int failures);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Wrote {Count} records to {Ledger} (first id {FirstId}) after {Failures} failed attempts "
            + "({AlreadyStored} were already stored).")]
    public static partial void WrittenAfterFailures(
        this ILogger logger, string ledger, int count, Guid firstId, int failures, int alreadyStored);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{AlreadyStored} of {Count} records for {Ledger} (batch's first id {FirstId}) were already stored under "
            + "their id and were not written again: the same record was recorded twice.")]
    public static partial void AlreadyStored(this ILogger logger, string ledger, int alreadyStored, int count, Guid firstId);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "{Count} records for {Ledger} (first id {FirstId}) were not written before the recorder stopped; "
            + "they are handed back in the exception.")]
    public static partial void NotWrittenAtStop(this ILogger logger, Exception? exception, string ledger, long count, Guid firstId);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "{Count} records for {Ledger} (first id {FirstId}) were not written when the recorder was disposed "
            + "without being stopped first, and are dropped; StopAsync would have handed them back.")]
    public static partial void DroppedAtDispose(this ILogger logger, Exception? exception, string ledger, long count, Guid firstId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Disposing the recorder of {Ledger} failed; the error is not rethrown.")]
    public static partial void DisposeFailed(this ILogger logger, Exception exception, string ledger);

    [LoggerMessage(Level = LogLevel.Critical,
        Message = "The writer of the recorder of {Ledger} stopped unexpectedly; the recorder accepts no more records.")]
    public static partial void WriterCrashed(this ILogger logger, Exception exception, string ledger);
}
