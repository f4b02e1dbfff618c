using Domain.Application.Ledgers;
using Domain.Usage;

namespace Domain.Application.Usage;

/// <summary>
/// Usage records that <see cref="UsageRecorder"/> accepted are not in <c>usage_logs</c>: <see cref="LedgerRecordingException{TRecord}.UnwrittenCount"/>
/// says how many, <see cref="Exception.InnerException"/> why (the last failure of the write, when there was one).
/// </summary>
/// <remarks>
/// From <see cref="UsageRecorder.FlushAsync"/> the records are still held and retried; a later flush may succeed.
/// From <see cref="UsageRecorder.StopAsync"/> the recorder holds them no longer: they are in
/// <see cref="LedgerRecordingException{TRecord}.UnwrittenRecords"/>, to be kept elsewhere or recorded again (a record's id is its idempotency key, so
/// one whose commit was cut off by the stop is not stored twice when recorded again).
/// <see cref="UsageRecorder.DisposeAsync"/> never throws it: it logs what it could not write.
/// </remarks>
public sealed class UsageRecordingException : LedgerRecordingException<UsageRecord>
{
    public UsageRecordingException(
        long unwrittenCount, string message, Exception? innerException = null, IReadOnlyList<UsageRecord>? unwrittenRecords = null)
        : base(unwrittenCount, message, innerException, unwrittenRecords)
    {
    }

    public UsageRecordingException()
        : this(0, "Usage records are not written.")
    {
    }

    public UsageRecordingException(string message)
        : this(0, message)
    {
    }

    public UsageRecordingException(string message, Exception innerException)
        : this(0, message, innerException)
    {
    }
}
