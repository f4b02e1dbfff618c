namespace Domain.Application.Ledgers;

/// <summary>
/// Settings of a background ledger recorder (buffer, batches, retries, stop), shared by every ledger so that each
/// recorder is tuned and checked the same way. <see cref="Validate"/> runs when the options are built and when the
/// recorder is constructed, so a bad value stops the application at startup with the option's name.
/// </summary>
public abstract class LedgerRecorderOptions
{
    /// <summary>Upper bound of <see cref="Linger"/>: a longer wait holds records in memory for no gain in throughput.</summary>
    public static readonly TimeSpan MaxLinger = TimeSpan.FromSeconds(10);

    /// <summary>Upper bound of the delays: <see cref="MaxRetryDelay"/> and <see cref="StopTimeout"/>.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromHours(1);

    /// <summary>
    /// How many records may wait in memory for the writer. When it is full, recording waits for room
    /// (backpressure) rather than drop a record. Default 100,000.
    /// </summary>
    public int Capacity { get; set; } = 100_000;

    /// <summary>The most records written in one transaction. At most <see cref="Capacity"/>. Default 5,000.</summary>
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
    /// How long disposing a recorder that was not stopped lets it write what is queued. <c>StopAsync</c> uses the
    /// token it is given instead. Default 30 s.
    /// </summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first option whose value cannot work.</summary>
    public void Validate()
    {
        if (FindProblems().FirstOrDefault() is { } problem)
        {
            throw new ArgumentOutOfRangeException(problem.Option, problem.Value, problem.Message);
        }
    }

    /// <summary>Every option whose value cannot work, named <c>{options type}.{option}</c>, in declaration order.</summary>
    internal IEnumerable<OptionProblem> FindProblems()
    {
        if (Capacity < 1)
        {
            yield return Invalid(nameof(Capacity), Capacity, "must be at least 1");
        }

        if (BatchSize < 1 || BatchSize > Capacity)
        {
            yield return Invalid(nameof(BatchSize), BatchSize, $"must be between 1 and {nameof(Capacity)} ({Capacity})");
        }

        if (Linger < TimeSpan.Zero || Linger > MaxLinger)
        {
            yield return Invalid(nameof(Linger), Linger, $"must be between zero and {MaxLinger}");
        }

        if (RetryDelay <= TimeSpan.Zero || RetryDelay > MaxDelay)
        {
            yield return Invalid(nameof(RetryDelay), RetryDelay, $"must be positive and at most {MaxDelay}");
        }

        if (MaxRetryDelay < RetryDelay || MaxRetryDelay > MaxDelay)
        {
            yield return Invalid(
                nameof(MaxRetryDelay), MaxRetryDelay, $"must be between {nameof(RetryDelay)} ({RetryDelay}) and {MaxDelay}");
        }

        if (StopTimeout <= TimeSpan.Zero || StopTimeout > MaxDelay)
        {
            yield return Invalid(nameof(StopTimeout), StopTimeout, $"must be positive and at most {MaxDelay}");
        }
    }

    private OptionProblem Invalid(string option, object value, string rule)
    {
        var name = $"{GetType().Name}.{option}";
        return new OptionProblem(name, value, $"{name} {rule} (got {value}).");
    }

    /// <summary>One option whose value cannot work: its qualified name, the value and a sentence naming both.</summary>
    internal sealed record OptionProblem(string Option, object Value, string Message);
}
