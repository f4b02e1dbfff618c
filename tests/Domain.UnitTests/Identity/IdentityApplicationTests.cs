using System.Text.Json;
using Domain.Application.Common;
using Domain.Application.Identity;
using Domain.Cli.Commands;
using Domain.Persistence.Rls;

namespace Domain.UnitTests.Identity;

/// <summary>What the application layer decides without a database: limits, callers from keys and profiles, issued secrets.</summary>
public sealed class IdentityApplicationTests
{
    private static readonly Guid User = Guid.Parse("0190a000-0000-7000-8000-00000000000a");

    [Theory]
    [InlineData(900, 0, 100, 0, null)]
    [InlineData(900, 0, 101, 0, UsageLimitKind.Tokens)]
    [InlineData(1000, 0, 0, 0, UsageLimitKind.Tokens)]
    [InlineData(999, 0, 0, 0, null)]
    [InlineData(0, 0.75, 0, 0.25, null)]
    [InlineData(0, 0.75, 0, 0.250001, UsageLimitKind.CostUsd)]
    [InlineData(0, 1.0, 0, 0, UsageLimitKind.CostUsd)]
    public void LimitPassedBy_AddsTheRequestToWhatIsUsed_AndWithNothingAsked_NeedsSomethingLeft(
        long tokensUsed, double costUsed, long tokens, double cost, UsageLimitKind? passed)
    {
        var status = new UsageLimitStatus(User, default, default, tokensUsed, (decimal)costUsed, 1_000, 1.00m);

        Assert.Equal(passed, status.LimitPassedBy(tokens, (decimal)cost));
    }

    [Fact]
    public void WithoutLimits_NothingIsEverPassed()
    {
        var status = new UsageLimitStatus(User, default, default, 0, 0, null, null);

        Assert.Null(status.LimitPassedBy(long.MaxValue / 2, 999_999m));
        Assert.Equal((null, null), (status.TokensLeft, status.CostUsdLeft));
    }

    [Fact]
    public void TheExceededException_SaysWhichLimitAndHowMuch()
    {
        var ex = new UsageLimitExceededException(User, UsageLimitKind.Tokens, 1_000, 900, 200, new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));

        Assert.Contains("1000 tokens", ex.Message, StringComparison.Ordinal);
        Assert.Contains("900 tokens", ex.Message, StringComparison.Ordinal);
        Assert.Contains("200 tokens", ex.Message, StringComparison.Ordinal);
        Assert.Contains("2026-12-01", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnIssuedKeysText_NeverShowsItsSecret()
    {
        var secret = Domain.Identity.ApiKeySecret.Generate();
        var issued = new IssuedApiKey(new ApiKeyDto(Guid.NewGuid(), User, "ci", secret[..11], ["a"], default, null, null, null), secret);

        Assert.DoesNotContain(secret, issued.ToString(), StringComparison.Ordinal);
        Assert.Contains(secret[..11], issued.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void CallersOtherThanKeys_AreNotLimitedByScopes()
    {
        Assert.Null(Caller.User(User).Scopes);
        Assert.True(Caller.User(User).HasScope("anything"));
        Assert.True(Caller.Service.HasScope("anything"));
        Assert.True(Caller.Admin(User).IsAdmin);
        Assert.True(Caller.Service.IsService);
    }

    [Fact]
    public void WithProfileRole_PromotesOrDemotes_KeepingEveryOtherClaim()
    {
        var token = RlsClaims.FromJwtPayload(
            $$$"""{"sub":"{{{User}}}","role":"domain_admin","aud":"authenticated","session_id":"s1","app_metadata":{"role":"admin","provider":"email"}}""");

        var demoted = token.WithProfileRole(isAdmin: false);
        var promoted = RlsClaims.ForUser(User, "a@example.test").WithProfileRole(isAdmin: true);

        Assert.Equal(RlsClaims.AuthenticatedRole, demoted.Role);
        using (var json = JsonDocument.Parse(demoted.Json))
        {
            Assert.Equal("authenticated", json.RootElement.GetProperty("role").GetString());
            Assert.Equal("user", json.RootElement.GetProperty("app_metadata").GetProperty("role").GetString());
            Assert.Equal("email", json.RootElement.GetProperty("app_metadata").GetProperty("provider").GetString());
            Assert.Equal("s1", json.RootElement.GetProperty("session_id").GetString());
        }

        Assert.Equal((RlsClaims.AdminRole, User), (promoted.Role, promoted.UserId!.Value));
        Assert.Contains("a@example.test", promoted.Json, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => RlsClaims.Service.WithProfileRole(isAdmin: true));
    }

    [Theory]
    [InlineData("30d", 30 * 24 * 60)]
    [InlineData("12h", 12 * 60)]
    [InlineData("90m", 90)]
    public void KeysCreate_ReadsAnExpiryAsADuration(string text, int minutes)
    {
        var now = new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);

        Assert.Equal(now.AddMinutes(minutes), KeysCommand.ParseExpiry(text, now));
    }

    [Fact]
    public void KeysCreate_ReadsAnExpiryAsAUtcDateTime_OrRefusesIt()
    {
        var now = new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);

        Assert.Equal(new DateTimeOffset(2027, 1, 31, 0, 0, 0, TimeSpan.Zero), KeysCommand.ParseExpiry("2027-01-31", now));
        Assert.Equal(new DateTimeOffset(2027, 1, 31, 10, 0, 0, TimeSpan.Zero), KeysCommand.ParseExpiry("2027-01-31T12:00+02:00", now));
        Assert.Null(KeysCommand.ParseExpiry(null, now));
        Assert.Throws<InvalidOperationException>(() => KeysCommand.ParseExpiry("soon", now));
        Assert.Throws<InvalidOperationException>(() => KeysCommand.ParseExpiry("0d", now));
    }
}
