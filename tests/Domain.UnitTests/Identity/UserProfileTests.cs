using Domain.Common;
using Domain.Identity;

namespace Domain.UnitTests.Identity;

public sealed class UserProfileTests
{
    [Theory]
    [InlineData("https://example.test/a.png", true)]
    [InlineData("http://example.test", true)]
    [InlineData("HTTPS://EXAMPLE.TEST/A.PNG", true)]
    [InlineData("ftp://example.test/a.png", false)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("//example.test/a.png", false)]
    [InlineData("https://example.test/a b.png", false)]
    [InlineData("https:/example.test", false)]
    [InlineData("example.test/a.png", false)]
    public void IsHttpUrl_AcceptsOnlyAbsoluteHttpUrlsWithoutWhiteSpace(string url, bool accepted)
    {
        Assert.Equal(accepted, UserProfile.IsHttpUrl(url));
    }

    [Fact]
    public void UpdateDetails_ReplacesWhatTheUserEdits_AndNothingElse()
    {
        var profile = UserProfile.Create(Guid.CreateVersion7(), "a@example.test", DateTimeOffset.UtcNow);

        profile.UpdateDetails("  Ada  ", "https://example.test/a.png", """{"theme":"dark"}""");
        Assert.Equal(("Ada", "https://example.test/a.png", """{"theme":"dark"}""", UserRole.User), (profile.DisplayName, profile.AvatarUrl, profile.Preferences, profile.Role));

        profile.UpdateDetails(null, null, null);
        Assert.Equal((null, null, "{}"), (profile.DisplayName, profile.AvatarUrl, profile.Preferences));
    }

    [Theory]
    [InlineData("x\0", null, null)]
    [InlineData(null, "mailto:a@example.test", null)]
    [InlineData(null, null, "[]")]
    [InlineData(null, null, "not json")]
    public void UpdateDetails_RefusesBadValues_AndKeepsTheProfileAsItWas(string? name, string? avatar, string? preferences)
    {
        var profile = UserProfile.Create(Guid.CreateVersion7(), null, DateTimeOffset.UtcNow);
        profile.UpdateDetails("Kept", null, """{"kept":true}""");

        Assert.Throws<DomainException>(() => profile.UpdateDetails(name, avatar, preferences));

        Assert.Equal(("Kept", """{"kept":true}"""), (profile.DisplayName, profile.Preferences));
    }

    [Fact]
    public void RoleAndLimits_AreSetByTheirOwnMethods_AndChecked()
    {
        var profile = UserProfile.Create(Guid.CreateVersion7(), null, DateTimeOffset.UtcNow);

        profile.ChangeRole(UserRole.Admin);
        profile.SetMonthlyLimits(MonthlyUsageLimits.Of(1_000, 2.5m));

        Assert.Equal((UserRole.Admin, 1_000L, 2.5m), (profile.Role, profile.MonthlyTokenLimit!.Value, profile.MonthlyCostLimitUsd!.Value));
        Assert.Throws<DomainException>(() => profile.ChangeRole((UserRole)9));
        Assert.Throws<DomainException>(() => MonthlyUsageLimits.Of(-1, null));
        Assert.Throws<DomainException>(() => MonthlyUsageLimits.Of(null, 0.0000001m));
        Assert.Same(MonthlyUsageLimits.None, MonthlyUsageLimits.Of(null, null));
        Assert.False(MonthlyUsageLimits.None.Any);
    }
}
