namespace Domain.Application.Ledgers;

/// <summary>
/// The writer's waits (linger for more records, backoff before a retry) on the injected clock, which a flush or a
/// stop cuts short with <see cref="Interrupt"/>.
/// </summary>
/// <remarks>
/// <see cref="WaitAsync"/> arms a fresh signal before it asks whether to wait at all. Whoever changes what that
/// question looks at (registers a flush, begins a stop) and then calls <see cref="Interrupt"/> is therefore never
/// lost: either the question sees the change, or the interrupt lands on the armed signal.
/// </remarks>
internal sealed class InterruptibleDelay
{
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();

    // Guarded by _gate.
    private TaskCompletionSource _interrupt = NewSignal();

    public InterruptibleDelay(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <summary>Ends the wait in progress, if any. A wait that starts later is not affected.</summary>
    public void Interrupt()
    {
        lock (_gate)
        {
            _interrupt.TrySetResult();
        }
    }

    /// <summary>
    /// Waits for <paramref name="delay"/> on the clock, unless <paramref name="skip"/> says not to wait, or until
    /// <see cref="Interrupt"/> is called. False when it did not wait at all.
    /// </summary>
    /// <param name="delay">How long, on the injected clock.</param>
    /// <param name="skip">Asked once the wait is armed: true means return at once.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>.</param>
    public async Task<bool> WaitAsync(TimeSpan delay, Func<bool> skip, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(skip);
        Task interrupted;
        lock (_gate)
        {
            _interrupt = NewSignal();
            interrupted = _interrupt.Task;
        }

        if (delay <= TimeSpan.Zero || skip())
        {
            return false;
        }

        using var sleeping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timer = Task.Delay(delay, _time, sleeping.Token);
        await Task.WhenAny(timer, interrupted);
        await sleeping.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
        return true;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
