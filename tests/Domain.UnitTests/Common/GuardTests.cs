using Domain.Common;

namespace Domain.UnitTests.Common;

public sealed class GuardTests
{
    [Theory]
    [InlineData("0", 18, 6)]
    [InlineData("123456789012.123456", 18, 6)]
    [InlineData("-123456789012.123456", 18, 6)]
    [InlineData("1.500000000", 18, 6)]
    [InlineData("99.99", 4, 2)]
    public void Decimal_KeepsANumberNumericStoresExactly(string text, int precision, int scale)
    {
        var value = decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(value, Guard.Decimal(value, "amount", precision, scale));
    }

    [Theory]
    [InlineData("1.0000001", 18, 6, "amount.too_precise")]
    [InlineData("1234567890123", 18, 6, "amount.too_large")]
    [InlineData("-1234567890123.5", 18, 6, "amount.too_large")]
    [InlineData("100", 4, 2, "amount.too_large")]
    public void Decimal_RefusesANumberNumericWouldRoundOrOverflow(string text, int precision, int scale, string code)
    {
        var value = decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

        var error = Assert.Throws<DomainException>(() => Guard.Decimal(value, "amount", precision, scale));

        Assert.Equal(code, error.Code);
    }

    [Fact]
    public void Instant_IsUtc_ToTheMicrosecond()
    {
        var local = new DateTimeOffset(2026, 11, 30, 9, 15, 0, TimeSpan.FromHours(2)).AddTicks(1_234_567);

        var instant = Guard.Instant(local);

        Assert.Equal(TimeSpan.Zero, instant.Offset);
        Assert.Equal(local.UtcDateTime.AddTicks(-7), instant.UtcDateTime);
    }
}
