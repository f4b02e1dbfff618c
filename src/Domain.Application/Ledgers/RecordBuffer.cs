using System.Threading.Channels;

namespace Domain.Application.Ledgers;

/// <summary>
/// The bounded, ordered buffer between the callers that record and the one writer that drains it. A full buffer makes
/// a caller wait for room (it never drops a record); a closed one refuses new records but still hands out the ones it
/// holds.
/// </summary>
/// <remarks>
/// Records are counted in the order they enter (<see cref="Accepted"/>) under the same lock that puts them in, and the
/// single reader takes them in that order. So if the writer commits what it takes in order, "the first N accepted
/// records are stored" is exactly "N records are committed", which is all a flush needs to know.
/// </remarks>
internal sealed class RecordBuffer<TRecord>
{
    private readonly Channel<TRecord> _channel;
    private readonly Lock _gate = new();

    // Guarded by _gate.
    private long _accepted;
    private bool _closed;

    public RecordBuffer(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _channel = Channel.CreateBounded<TRecord>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
    }

    private enum Outcome
    {
        Accepted,
        Full,
        Closed,
    }

    /// <summary>How many records were accepted so far: the n-th accepted record is the n-th one taken.</summary>
    public long Accepted
    {
        get
        {
            lock (_gate)
            {
                return _accepted;
            }
        }
    }

    /// <summary>True once <see cref="Close"/> ran: nothing more is accepted.</summary>
    public bool IsClosed
    {
        get
        {
            lock (_gate)
            {
                return _closed;
            }
        }
    }

    /// <summary>
    /// Accepts <paramref name="record"/>: at once when there is room, otherwise once room is made. True when it was
    /// accepted; false when the buffer is closed, before the call or while it waited.
    /// </summary>
    /// <param name="record">The record.</param>
    /// <param name="cancellationToken">Cancels only a wait for room; a cancelled call did not accept the record.</param>
    public ValueTask<bool> AddAsync(TRecord record, CancellationToken cancellationToken = default)
        => TryAdd(record) switch
        {
            Outcome.Accepted => ValueTask.FromResult(true),
            Outcome.Closed => ValueTask.FromResult(false),
            _ => WaitForRoomAsync(record, cancellationToken),
        };

    /// <summary>Refuses every record from now on, those waiting for room included. What is held can still be taken.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            _channel.Writer.TryComplete();
        }
    }

    /// <summary>Waits until a record can be taken (true) or the buffer is closed and empty (false).</summary>
    public ValueTask<bool> WaitToTakeAsync(CancellationToken cancellationToken) => _channel.Reader.WaitToReadAsync(cancellationToken);

    /// <summary>Moves held records, oldest first, into <paramref name="batch"/> until it holds <paramref name="batchSize"/>.</summary>
    public void TakeInto(List<TRecord> batch, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(batch);
        while (batch.Count < batchSize && _channel.Reader.TryRead(out var record))
        {
            batch.Add(record);
        }
    }

    /// <summary>Every record still held, oldest first; the buffer is empty afterwards.</summary>
    public List<TRecord> TakeAll()
    {
        var records = new List<TRecord>();
        TakeInto(records, int.MaxValue);
        return records;
    }

    private Outcome TryAdd(TRecord record)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return Outcome.Closed;
            }

            if (!_channel.Writer.TryWrite(record))
            {
                return Outcome.Full;
            }

            _accepted++;
            return Outcome.Accepted;
        }
    }

    private async ValueTask<bool> WaitForRoomAsync(TRecord record, CancellationToken cancellationToken)
    {
        while (await _channel.Writer.WaitToWriteAsync(cancellationToken))
        {
            switch (TryAdd(record))
            {
                case Outcome.Accepted:
                    return true;
                case Outcome.Closed:
                    return false;
            }
        }

        return false;
    }
}
