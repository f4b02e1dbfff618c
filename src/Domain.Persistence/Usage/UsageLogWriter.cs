using Domain.Persistence.Ledgers;
using Domain.Usage;

namespace Domain.Persistence.Usage;

/// <summary>
/// Appends batches of <see cref="UsageRecord"/> to <c>usage_logs</c>: the model-driven ledger writer
/// (<see cref="CopyLedgerWriter{TRecord}"/>, binary COPY as the service role, each id stored once) for the usage
/// ledger, under the name the usage recorder, its tests and the benchmarks know it by.
/// </summary>
public sealed class UsageLogWriter(DomainDbContextFactory contexts) : CopyLedgerWriter<UsageRecord>(contexts);
