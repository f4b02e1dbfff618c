namespace Domain.Application.Ledgers;

/// <summary>
/// Records a ledger recorder accepted are not in its table: <see cref="UnwrittenCount"/> says how many,
/// <see cref="Exception.InnerException"/> why (the last failure of the write, when there was one). Each ledger throws a
/// type of its own derived from this one (<see cref="Usage.UsageRecordingException"/>,
/// <see cref="Prompts.PromptPerformanceRecordingException"/>), so a caller may catch either one ledger's or every one's.
/// </summary>
/// <remarks>
/// From a flush the records are still held and retried; a later flush may succeed. From a stop the recorder holds them
/// no longer: they are in <see cref="UnwrittenRecords"/>, to be kept elsewhere or recorded again (a record's id is its
/// idempotency key, so one whose commit was cut off by the stop is not stored twice when recorded again). Disposal
/// never throws it: it logs what it could not write.
/// </remarks>
/// <typeparam name="TRecord">The ledger's record.</typeparam>
public abstract class LedgerRecordingException<TRecord> : Exception
{
    protected LedgerRecordingException(
        long unwrittenCount, string message, Exception? innerException = null, IReadOnlyList<TRecord>? unwrittenRecords = null)
        : base(message, innerException)
    {
        UnwrittenCount = unwrittenCount;
        UnwrittenRecords = unwrittenRecords ?? [];
    }

    protected LedgerRecordingException()
        : this(0, "Ledger records are not written.")
    {
    }

    protected LedgerRecordingException(string message)
        : this(0, message)
    {
    }

    protected LedgerRecordingException(string message, Exception innerException)
        : this(0, message, innerException)
    {
    }

    /// <summary>How many accepted records are not committed to the ledger's table.</summary>
    public long UnwrittenCount { get; }

    /// <summary>
    /// The records themselves when the recorder gave them up (it stopped); empty when it still holds them and keeps
    /// retrying (a failed flush).
    /// </summary>
    public IReadOnlyList<TRecord> UnwrittenRecords { get; }
}
