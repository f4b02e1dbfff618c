using Domain.Common;
using Domain.Identity;

namespace Domain.UnitTests.Identity;

public sealed class ApiKeyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Generate_MakesA46CharacterKey_OfTheMarkerAnd256RandomBits_NeverTheSameTwice()
    {
        var keys = Enumerable.Range(0, 1_000).Select(_ => ApiKeySecret.Generate()).ToList();

        Assert.All(keys, key =>
        {
            Assert.Equal(46, key.Length);
            Assert.StartsWith(ApiKeySecret.Marker, key, StringComparison.Ordinal);
            Assert.True(ApiKeySecret.HasKeyForm(key), key);
        });
        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("dk_")]
    [InlineData("xx_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("dk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("dk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("dk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("dk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+")]
    [InlineData("dk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA ")]
    public void HasKeyForm_RefusesWhatNoKeyLooksLike(string? presented)
    {
        Assert.False(ApiKeySecret.HasKeyForm(presented));
    }

    [Fact]
    public void Hash_IsTheSha256OfTheKeysUtf8Bytes_AndHashesMatchOnlyWhenEqual()
    {
        var key = ApiKeySecret.Generate();
        var hash = ApiKeySecret.Hash(key);

        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)), hash);
        Assert.Equal(ApiKeySecret.HashLength, hash.Length);
        Assert.True(ApiKeySecret.HashesMatch(hash, ApiKeySecret.Hash(key)));
        Assert.False(ApiKeySecret.HashesMatch(hash, ApiKeySecret.Hash(ApiKeySecret.Generate())));
        Assert.False(ApiKeySecret.HashesMatch(hash, hash.AsSpan(0, 31)));
    }

    [Fact]
    public void Issue_KeepsOnlyTheHashAndADisplayPrefix_AndReturnsTheSecret()
    {
        var user = Guid.CreateVersion7();

        var (key, secret) = ApiKey.Issue(user, "  ci  ", ["sessions:write", "sessions:read", "sessions:read"], Now.AddDays(30), Now);

        Assert.Equal((user, "ci", secret[..11]), (key.UserId, key.Name, key.Prefix));
        Assert.Equal(ApiKeySecret.Hash(secret), key.KeyHash);
        Assert.Equal(["sessions:read", "sessions:write"], key.Scopes);
        Assert.True(key.HasScope("sessions:read"));
        Assert.False(key.HasScope("sessions"));
        Assert.True(key.IsActiveAt(Now.AddDays(29)));
        Assert.False(key.IsActiveAt(Now.AddDays(30)));
        Assert.DoesNotContain(secret[ApiKeySecret.DisplayPrefixLength..], key.Prefix, StringComparison.Ordinal);
    }

    [Fact]
    public void Revoke_IsForGood_AndRevokingAgainChangesNothing()
    {
        var (key, _) = ApiKey.Issue(Guid.CreateVersion7(), "ci", ["sessions:read"], null, Now);

        key.Revoke(Now.AddHours(1));
        key.Revoke(Now.AddHours(2));

        Assert.Equal(Now.AddHours(1), key.RevokedAt);
        Assert.False(key.IsActiveAt(Now.AddHours(3)));
    }

    [Theory]
    [InlineData("past")]
    [InlineData("no scope")]
    [InlineData("bad scope")]
    [InlineData("blank name")]
    public void Issue_RefusesWhatTheModelDoesNotAllow(string what)
    {
        var user = Guid.CreateVersion7();
        var ex = Assert.Throws<DomainException>(() => what switch
        {
            "past" => ApiKey.Issue(user, "ci", ["a"], Now, Now),
            "no scope" => ApiKey.Issue(user, "ci", [], null, Now),
            "bad scope" => ApiKey.Issue(user, "ci", ["Sessions:Read"], null, Now),
            _ => ApiKey.Issue(user, "  ", ["a"], null, Now),
        });

        Assert.False(string.IsNullOrEmpty(ex.Code));
    }
}
