using Domain.Application.Ledgers;

namespace Domain.UnitTests.Usage;

public sealed class RetryBackoffTests
{
    private static readonly TimeSpan First = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(1);

    [Fact]
    public void DelayAfter_DoublesPerFailureFromTheFirstDelay_UpToTheCap()
    {
        var backoff = new RetryBackoff(First, Cap, jitter: () => 1);

        var delays = Enumerable.Range(1, 7).Select(backoff.DelayAfter).Select(d => d.TotalMilliseconds);

        Assert.Equal([100, 200, 400, 800, 1_000, 1_000, 1_000], delays);
    }

    [Theory]
    [InlineData(0.0, 0.8)]
    [InlineData(0.5, 0.9)]
    [InlineData(0.999, 0.9998)]
    public void DelayAfter_ShortensByAtMost20Percent_AsTheJitterSays(double jitter, double share)
    {
        var backoff = new RetryBackoff(First, Cap, () => jitter);

        Assert.Equal(100 * share, backoff.DelayAfter(1).TotalMilliseconds, precision: 3);
        Assert.Equal(400 * share, backoff.DelayAfter(3).TotalMilliseconds, precision: 3);
        Assert.Equal(1_000 * share, backoff.DelayAfter(20).TotalMilliseconds, precision: 3);
    }

    [Fact]
    public void DelayAfter_WithTheDefaultJitter_StaysBetween80And100PercentOfTheCappedDelay()
    {
        var backoff = new RetryBackoff(First, Cap);

        for (var failures = 1; failures <= 64; failures++)
        {
            var undelayed = Math.Min(100 * Math.Pow(2, Math.Min(failures - 1, 30)), 1_000);
            Assert.InRange(backoff.DelayAfter(failures).TotalMilliseconds, 0.8 * undelayed, undelayed);
        }
    }

    [Fact]
    public void DelayAfter_EvenAfterCountlessFailures_IsTheCap()
    {
        var backoff = new RetryBackoff(First, TimeSpan.FromHours(1), jitter: () => 1);

        Assert.Equal(TimeSpan.FromHours(1), backoff.DelayAfter(int.MaxValue));
    }

    [Fact]
    public void Constructor_RejectsAFirstDelayThatIsNotPositiveOrACapBelowIt()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryBackoff(TimeSpan.Zero, Cap));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryBackoff(Cap, First));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryBackoff(First, Cap).DelayAfter(0));
    }
}
