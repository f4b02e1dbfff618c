using Domain.Application.Ledgers;

namespace Domain.UnitTests.Usage;

public sealed class InterruptibleDelayTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private readonly WatchedFakeTimeProvider _time = new();
    private readonly InterruptibleDelay _delay;

    public InterruptibleDelayTests() => _delay = new InterruptibleDelay(_time);

    [Fact]
    public async Task WaitAsync_EndsWhenTheClockReachesTheDelay_AndNotBefore()
    {
        var waiting = _delay.WaitAsync(Second, static () => false, CancellationToken.None);
        await _time.WaitForTimerAsync();

        _time.Advance(Second - TimeSpan.FromTicks(1));
        Assert.False(waiting.IsCompleted);

        _time.Advance(TimeSpan.FromTicks(1));
        Assert.True(await waiting.WaitAsync(TestLedger.Hang));
    }

    [Fact]
    public async Task Interrupt_EndsTheWaitInProgress_WithoutTheClockMoving()
    {
        var waiting = _delay.WaitAsync(Second, static () => false, CancellationToken.None);

        _delay.Interrupt();

        Assert.True(await waiting.WaitAsync(TestLedger.Hang));
    }

    [Fact]
    public async Task Interrupt_BeforeAWaitStarts_DoesNotCutThatWaitShort()
    {
        _delay.Interrupt();

        var waiting = _delay.WaitAsync(Second, static () => false, CancellationToken.None);
        await _time.WaitForTimerAsync();

        Assert.False(waiting.IsCompleted);
        _time.Advance(Second);
        Assert.True(await waiting.WaitAsync(TestLedger.Hang));
    }

    [Fact]
    public async Task Interrupt_MadeWhileTheWaitAsksWhetherToWait_IsNotLost()
    {
        // What a flush does between the writer's arming and its look at the pending flushes.
        var waiting = _delay.WaitAsync(Second, () =>
        {
            _delay.Interrupt();
            return false;
        }, CancellationToken.None);

        Assert.True(await waiting.WaitAsync(TestLedger.Hang));
    }

    [Fact]
    public async Task WaitAsync_WhenToldToSkip_ReturnsFalseAtOnce()
    {
        Assert.False(await _delay.WaitAsync(Second, static () => true, CancellationToken.None));
        Assert.False(await _delay.WaitAsync(TimeSpan.Zero, static () => false, CancellationToken.None));
    }

    [Fact]
    public async Task WaitAsync_Cancelled_Throws()
    {
        using var cancel = new CancellationTokenSource();
        var waiting = _delay.WaitAsync(Second, static () => false, cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TestLedger.Hang));
    }
}
