namespace Domain.Persistence.Ledgers;

/// <summary>
/// Appends batches of records to one ledger table (rows that are only ever inserted, such as <c>usage_logs</c>), so that
/// a batch retried after a failure stores each record once. The background recorders write through it.
/// </summary>
/// <typeparam name="TRecord">The ledger's record; its client-made id is the table's primary key.</typeparam>
/// <remarks>
/// What an implementation promises: a batch commits whole or not at all, in one transaction; a record whose id is
/// already stored (an earlier attempt committed without the caller hearing of it, or the same record recorded twice)
/// is skipped, never stored twice, and counted in <see cref="LedgerAppendResult.AlreadyStored"/>. Failures are thrown;
/// <see cref="Errors.DatabaseErrorTranslator.IsTransient"/> tells whether trying the same batch again may pass.
/// </remarks>
public interface ILedgerWriter<in TRecord>
{
    /// <summary>Stores <paramref name="records"/> in one transaction and commits.</summary>
    /// <param name="records">The batch, in the order it is to be written.</param>
    /// <param name="someMayBeStored">
    /// True when an earlier attempt with some of these records may have committed (its outcome is unknown): the
    /// writer then looks for stored ids before it writes.
    /// </param>
    /// <param name="cancellationToken">Cancels the write; cancelled during the commit, the batch may have committed.</param>
    Task<LedgerAppendResult> AppendAsync(IReadOnlyList<TRecord> records, bool someMayBeStored, CancellationToken cancellationToken);
}

/// <summary>What <see cref="ILedgerWriter{TRecord}.AppendAsync"/> did with a batch.</summary>
/// <param name="Written">Rows this call inserted and committed.</param>
/// <param name="AlreadyStored">
/// Records not inserted because a row with their id was already stored (or the id came earlier in the same batch):
/// the record's id is its idempotency key.
/// </param>
public readonly record struct LedgerAppendResult(int Written, int AlreadyStored);
