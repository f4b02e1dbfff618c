using Domain.Application.Ledgers;

namespace Domain.UnitTests.Usage;

public sealed class RecordBufferTests
{
    [Fact]
    public async Task AddAsync_CountsEachAcceptedRecord_AndTakeHandsThemOutInThatOrder()
    {
        var buffer = new RecordBuffer<int>(capacity: 10);
        foreach (var n in Enumerable.Range(1, 5))
        {
            Assert.True(await buffer.AddAsync(n));
        }

        var batch = new List<int>();
        buffer.TakeInto(batch, batchSize: 3);

        Assert.Equal(5, buffer.Accepted);
        Assert.Equal([1, 2, 3], batch);
        Assert.Equal([4, 5], buffer.TakeAll());
    }

    [Fact]
    public async Task AddAsync_WhenFull_WaitsForRoom_AndAcceptsOnceThereIsSome()
    {
        var buffer = new RecordBuffer<int>(capacity: 2);
        await buffer.AddAsync(1);
        await buffer.AddAsync(2);

        var third = buffer.AddAsync(3).AsTask();

        Assert.False(third.IsCompleted, "a full buffer makes the caller wait");
        Assert.Equal(2, buffer.Accepted);
        buffer.TakeInto([], batchSize: 1);
        Assert.True(await third.WaitAsync(TestLedger.Hang));
        Assert.Equal(3, buffer.Accepted);
        Assert.Equal([2, 3], buffer.TakeAll());
    }

    [Fact]
    public async Task AddAsync_AfterClose_RefusesTheRecord()
    {
        var buffer = new RecordBuffer<int>(capacity: 2);
        await buffer.AddAsync(1);

        buffer.Close();

        Assert.True(buffer.IsClosed);
        Assert.False(await buffer.AddAsync(2));
        Assert.Equal(1, buffer.Accepted);
        Assert.Equal([1], buffer.TakeAll());
    }

    [Fact]
    public async Task Close_WhileACallerWaitsForRoom_RefusesIt_AndKeepsWhatItHolds()
    {
        var buffer = new RecordBuffer<int>(capacity: 1);
        await buffer.AddAsync(1);
        var waiting = buffer.AddAsync(2).AsTask();

        buffer.Close();

        Assert.False(await waiting.WaitAsync(TestLedger.Hang));
        Assert.Equal(1, buffer.Accepted);
        Assert.True(await buffer.WaitToTakeAsync(CancellationToken.None), "a closed buffer still hands out what it holds");
        Assert.Equal([1], buffer.TakeAll());
        Assert.False(await buffer.WaitToTakeAsync(CancellationToken.None), "closed and empty: nothing more will come");
    }

    [Fact]
    public async Task AddAsync_CancelledWhileWaitingForRoom_DoesNotAcceptTheRecord()
    {
        var buffer = new RecordBuffer<int>(capacity: 1);
        await buffer.AddAsync(1);
        using var cancel = new CancellationTokenSource();
        var waiting = buffer.AddAsync(2, cancel.Token).AsTask();

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TestLedger.Hang));
        Assert.Equal(1, buffer.Accepted);
        Assert.Equal([1], buffer.TakeAll());
    }

    [Fact]
    public async Task AddAsync_FromConcurrentProducersThroughASmallBuffer_LosesNothing_AndKeepsEachProducersOrder()
    {
        const int producers = 4;
        const int each = 2_000;
        var buffer = new RecordBuffer<(int Producer, int N)>(capacity: 16);
        var taken = new List<(int Producer, int N)>();
        var reader = Task.Run(async () =>
        {
            while (await buffer.WaitToTakeAsync(CancellationToken.None))
            {
                var batch = new List<(int Producer, int N)>();
                buffer.TakeInto(batch, batchSize: 5);
                taken.AddRange(batch);
            }
        });

        await Task.WhenAll(Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
        {
            for (var n = 0; n < each; n++)
            {
                Assert.True(await buffer.AddAsync((p, n)));
            }
        }))).WaitAsync(TestLedger.Hang);
        buffer.Close();
        await reader.WaitAsync(TestLedger.Hang);

        Assert.Equal(producers * each, buffer.Accepted);
        Assert.Equal(producers * each, taken.Count);
        for (var p = 0; p < producers; p++)
        {
            Assert.Equal(Enumerable.Range(0, each), taken.Where(t => t.Producer == p).Select(t => t.N));
        }
    }
}
