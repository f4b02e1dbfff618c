namespace Domain.Application.Ledgers;

/// <summary>
/// How long to wait before retrying a failed batch: doubling from a first delay per failed attempt, capped, and
/// shortened by up to 20 % at random so that recorders restarted together do not retry in step.
/// </summary>
internal sealed class RetryBackoff
{
    /// <summary>Past 2^30 the first delay is beyond any cap a recorder accepts; stop doubling there.</summary>
    private const int MaxDoublings = 30;

    private readonly TimeSpan _first;
    private readonly TimeSpan _max;
    private readonly Func<double> _jitter;

    /// <param name="first">The delay after the first failure.</param>
    /// <param name="max">The cap; at least <paramref name="first"/>.</param>
    /// <param name="jitter">A number in [0, 1) per delay (default: <see cref="Random.Shared"/>); a test passes a fixed one.</param>
    public RetryBackoff(TimeSpan first, TimeSpan max, Func<double>? jitter = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(first, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, first);
        _first = first;
        _max = max;
        _jitter = jitter ?? Random.Shared.NextDouble;
    }

    /// <summary>The wait after <paramref name="failures"/> failed attempts in a row (1 for the first failure).</summary>
    public TimeSpan DelayAfter(int failures)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failures, 1);
        var exponential = _first.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, MaxDoublings));
        var capped = Math.Min(exponential, _max.TotalMilliseconds);
        var jitter = Math.Clamp(_jitter(), 0, 1);
        return TimeSpan.FromMilliseconds(capped * (0.8 + (0.2 * jitter)));
    }
}
