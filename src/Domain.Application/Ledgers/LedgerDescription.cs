namespace Domain.Application.Ledgers;

/// <summary>What the ledger machinery needs to know about one ledger to talk about it.</summary>
/// <param name="Name">What its records are called in messages: "usage" gives "usage records", "the usage recorder".</param>
/// <param name="Table">The table it appends to, for logs and reports.</param>
/// <param name="IdOf">A record's id (its idempotency key), to name the first record of a batch.</param>
/// <param name="Unwritten">
/// The exception that reports accepted records that are not committed: how many, a message, the cause when there is
/// one, and the records themselves when the recorder gives them up (empty while it still holds them).
/// </param>
internal sealed record LedgerDescription<TRecord>(
    string Name,
    string Table,
    Func<TRecord, Guid> IdOf,
    Func<long, string, Exception?, IReadOnlyList<TRecord>, Exception> Unwritten);
