using Domain.Usage;

namespace Domain.Application.Usage;

/// <summary>
/// Usage records that <see cref="UsageRecorder"/> accepted are not in <c>usage_logs</c>: <see cref="UnwrittenCount"/>
/// says how many, <see cref="Exception.InnerException"/> why (the last failure of the write, when there was one).
/// </summary>
/// <remarks>
/// From <see cref="UsageRecorder.FlushAsync"/> the records are still held and retried; a later flush may succeed.
/// From <see cref="UsageRecorder.StopAsync"/> the recorder holds them no longer: they are in
/// <see cref="UnwrittenRecords"/>, to be kept elsewhere or recorded again (a record's id is its idempotency key, so
/// one whose commit was cut off by the stop is not stored twice when recorded again).
/// <see cref="UsageRecorder.DisposeAsync"/> never throws it: it logs what it could not write.
/// </remarks>
public sealed class UsageRecordingException : Exception
{
    public UsageRecordingException(
        long unwrittenCount, string message, Exception? innerException = null, IReadOnlyList<UsageRecord>? unwrittenRecords = null)
        : base(message, innerException)
    {
        UnwrittenCount = unwrittenCount;
        UnwrittenRecords = unwrittenRecords ?? [];
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

    /// <summary>How many accepted records are not committed to <c>usage_logs</c>.</summary>
    public long UnwrittenCount { get; }

    /// <summary>
    /// The records themselves when the recorder gave them up (it stopped); empty when it still holds them and keeps
    /// retrying (a failed flush).
    /// </summary>
    public IReadOnlyList<UsageRecord> UnwrittenRecords { get; }
}
