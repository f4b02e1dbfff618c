namespace Domain.Application.Usage;

/// <summary>
/// Settings of <see cref="UsageRecorder"/>. <see cref="Validate"/> runs when the recorder is registered and when it
/// is constructed, so a bad value stops the application at startup with the option's name.
/// </summary>
public sealed class UsageRecorderOptions
{
    /// <summary>Upper bound of <see cref="Linger"/>: a longer wait holds records in memory for no gain in throughput.</summary>
    public static readonly TimeSpan MaxLinger = TimeSpan.FromSeconds(10);

    /// <summary>Upper bound of the delays: <see cref="MaxRetryDelay"/> and <see cref="StopTimeout"/>.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromHours(1);

    /// <summary>
    /// How many records may wait in memory for the writer. When it is full, <see cref="UsageRecorder.RecordAsync"/>
    /// waits for room (backpressure) rather than drop a record. Default 100,000.
    /// </summary>
    public int Capacity { get; set; } = 100_000;

    /// <summary>The most records written in one transaction (one COPY). At most <see cref="Capacity"/>. Default 5,000.</summary>
    public int BatchSize { get; set; } = 5_000;

    /// <summary>
    /// How long the writer waits for more records when fewer than <see cref="BatchSize"/> are queued, so that a slow
    /// trickle is written in fewer transactions. A flush or a stop cuts it short. Zero writes at once. Default 20 ms.
    /// </summary>
    public TimeSpan Linger { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>The wait before the first retry of a failed batch; it doubles per failed attempt. Default 100 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest wait between retries of a failed batch (the cap of the backoff). Default 30 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long <see cref="UsageRecorder.DisposeAsync"/> lets a recorder that was not stopped write what is queued.
    /// <see cref="UsageRecorder.StopAsync"/> uses the token it is given instead. Default 30 s.
    /// </summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first option whose value cannot work.</summary>
    public void Validate()
    {
        if (Capacity < 1)
        {
            throw Invalid(nameof(Capacity), Capacity, "must be at least 1");
        }

        if (BatchSize < 1 || BatchSize > Capacity)
        {
            throw Invalid(nameof(BatchSize), BatchSize, $"must be between 1 and {nameof(Capacity)} ({Capacity})");
        }

        if (Linger < TimeSpan.Zero || Linger > MaxLinger)
        {
            throw Invalid(nameof(Linger), Linger, $"must be between zero and {MaxLinger}");
        }

        if (RetryDelay <= TimeSpan.Zero || RetryDelay > MaxDelay)
        {
            throw Invalid(nameof(RetryDelay), RetryDelay, $"must be positive and at most {MaxDelay}");
        }

        if (MaxRetryDelay < RetryDelay || MaxRetryDelay > MaxDelay)
        {
            throw Invalid(nameof(MaxRetryDelay), MaxRetryDelay, $"must be between {nameof(RetryDelay)} ({RetryDelay}) and {MaxDelay}");
        }

        if (StopTimeout <= TimeSpan.Zero || StopTimeout > MaxDelay)
        {
            throw Invalid(nameof(StopTimeout), StopTimeout, $"must be positive and at most {MaxDelay}");
        }
    }

    private static ArgumentOutOfRangeException Invalid(string option, object value, string rule)
        => new($"{nameof(UsageRecorderOptions)}.{option}", value, $"{nameof(UsageRecorderOptions)}.{option} {rule} (got {value}).");
}
