namespace Domain.IntegrationTests.Infrastructure;

/// <summary>
/// A clock that never moves: its timers never fire. Code that waits on it can only be woken by something else,
/// which is what a test wants to prove without measuring time.
/// </summary>
public sealed class FrozenTimeProvider : TimeProvider
{
    private readonly DateTimeOffset _now = TimeProvider.System.GetUtcNow();

    public override DateTimeOffset GetUtcNow() => _now;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new NeverFiringTimer();

    private sealed class NeverFiringTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
