using System.Text.Json;
using Domain.Persistence.Rls;

namespace Domain.UnitTests.Persistence;

/// <summary>
/// Claims reach PostgreSQL only in a form it reads the way .NET did: canonical UUID text for <c>sub</c>, no duplicate
/// key at any depth, no text PostgreSQL refuses, and a bounded size. Anything else is refused with what is wrong.
/// </summary>
public sealed class RlsClaimsTests
{
    private const string Sub = "0190a000-0000-7000-8000-00000000000a";

    [Theory]
    [InlineData("(0190a000-0000-7000-8000-00000000000a)")]
    [InlineData("{0190a000-0000-7000-8000-00000000000a}")]
    [InlineData("{0x0190a000,0x0000,0x7000,{0x80,0x00,0x00,0x00,0x00,0x00,0x00,0x0a}}")]
    [InlineData("0190a00000007000800000000000000a")]
    [InlineData(" 0190a000-0000-7000-8000-00000000000a")]
    [InlineData("0190a000-0000-7000-8000-00000000000a ")]
    [InlineData("0190a000-0000-7000-8000-00000000000a\n")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    public void FromJwtPayload_RefusesASubPostgresWouldNotReadAsTheSameUuid(string sub)
    {
        var payload = JsonSerializer.Serialize(new { role = "authenticated", sub });

        var ex = Assert.Throws<ArgumentException>(() => RlsClaims.FromJwtPayload(payload));

        Assert.Contains("sub", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJwtPayload_NormalisesTheSubToLowerCase()
    {
        var claims = RlsClaims.FromJwtPayload($$$"""{"role":"authenticated","sub":"{{{Sub.ToUpperInvariant()}}}"}""");

        Assert.Equal(Guid.Parse(Sub), claims.UserId);
        using var sent = JsonDocument.Parse(claims.Json);
        Assert.Equal(Sub, sent.RootElement.GetProperty("sub").GetString());
    }

    [Theory]
    [InlineData($$$"""{"role":"authenticated","sub":"{{{Sub}}}","app_metadata":{"role":"user","role":"admin"}}""", "role")]
    [InlineData($$$"""{"role":"authenticated","role":"service_role","sub":"{{{Sub}}}"}""", "role")]
    [InlineData($$$"""{"role":"authenticated","sub":"{{{Sub}}}","sub":"0190a000-0000-7000-8000-00000000000b"}""", "sub")]
    [InlineData($$$"""{"role":"authenticated","sub":"{{{Sub}}}","a":[{"k":1,"k":2}]}""", "k")]
    public void FromJwtPayload_RefusesDuplicateKeysAtAnyDepth_NamingTheKey(string payload, string key)
    {
        var ex = Assert.Throws<ArgumentException>(() => RlsClaims.FromJwtPayload(payload));

        Assert.Contains($"'{key}'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData($$$"""{"role":"authenticated","sub":"{{{Sub}}}","email":"a\u0000b"}""")]
    [InlineData($$$"""{"role":"authenticated","sub":"{{{Sub}}}","email":"a\ud800b"}""")]
    [InlineData($$$"""{"role":"authenticated","sub":"{{{Sub}}}","n":1e200000}""")]
    public void FromJwtPayload_RefusesClaimsPostgresCannotRead(string payload)
    {
        Assert.Throws<ArgumentException>(() => RlsClaims.FromJwtPayload(payload));
    }

    [Fact]
    public void FromJwtPayload_RefusesClaimsOverTheSizeLimit()
    {
        var payload = JsonSerializer.Serialize(new { role = "authenticated", sub = Sub, padding = new string('x', RlsClaims.MaxJsonLength) });

        var ex = Assert.Throws<ArgumentException>(() => RlsClaims.FromJwtPayload(payload));

        Assert.Contains(RlsClaims.MaxJsonLength.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Not enumerated at discovery: a lone surrogate does not survive the runner's serialization of test cases.</summary>
    public static TheoryData<string> UnstorableEmails => new() { "a\0b@example.test", "a\ud800@example.test" };

    [Theory]
    [MemberData(nameof(UnstorableEmails), DisableDiscoveryEnumeration = true)]
    public void ForUser_RefusesAnEmailPostgresCannotStore(string email)
    {
        var ex = Assert.Throws<ArgumentException>(() => RlsClaims.ForUser(Guid.Parse(Sub), email));

        Assert.Contains("email", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForUser_RefusesMetadataOverTheSizeLimit()
    {
        var metadata = new Dictionary<string, object?> { ["blob"] = new string('x', RlsClaims.MaxJsonLength) };

        Assert.Throws<ArgumentException>(() => RlsClaims.ForUser(Guid.Parse(Sub), null, metadata));
    }

    [Fact]
    public void ForUser_RefusesMetadataWithTextPostgresCannotStore()
    {
        var metadata = new Dictionary<string, object?> { ["plan"] = "pro\0" };

        Assert.Throws<ArgumentException>(() => RlsClaims.ForUser(Guid.Parse(Sub), null, metadata));
    }

    [Fact]
    public void ForAdmin_ActsAsTheAdminRole_AndTheClaimsSaySo()
    {
        var claims = RlsClaims.ForAdmin(Guid.Parse(Sub), "admin@example.test");

        Assert.Equal(RlsClaims.AdminRole, claims.Role);
        Assert.Equal(Guid.Parse(Sub), claims.UserId);
        using var sent = JsonDocument.Parse(claims.Json);
        Assert.Equal(RlsClaims.AdminRole, sent.RootElement.GetProperty("role").GetString());
        Assert.Equal("admin", sent.RootElement.GetProperty("app_metadata").GetProperty("role").GetString());
    }

    [Fact]
    public void ForUser_WithServerMetadataSayingAdmin_IsAnAdmin_AndWithoutIt_IsAUser()
    {
        var admin = RlsClaims.ForUser(Guid.Parse(Sub), null, new Dictionary<string, object?> { ["role"] = "admin" });
        var user = RlsClaims.ForUser(Guid.Parse(Sub), null, new Dictionary<string, object?> { ["role"] = "editor" });

        Assert.Equal(RlsClaims.AdminRole, admin.Role);
        Assert.Equal(RlsClaims.AuthenticatedRole, user.Role);
    }

    [Fact]
    public void FromJwtPayload_WithTheAdminRole_ActsAsTheAdminRole()
    {
        var claims = RlsClaims.FromJwtPayload($$$"""{"role":"domain_admin","sub":"{{{Sub}}}","aud":"authenticated"}""");

        Assert.Equal(RlsClaims.AdminRole, claims.Role);
        Assert.Equal(Guid.Parse(Sub), claims.UserId);
    }

    [Fact]
    public void FromJwtPayload_AuthenticatedWithAppMetadataAdmin_ActsAsTheAdminRole_AndTheRoleClaimIsRewritten()
    {
        var claims = RlsClaims.FromJwtPayload($$$"""{"role":"authenticated","sub":"{{{Sub}}}","app_metadata":{"role":"admin"}}""");

        Assert.Equal(RlsClaims.AdminRole, claims.Role);
        using var sent = JsonDocument.Parse(claims.Json);
        Assert.Equal(RlsClaims.AdminRole, sent.RootElement.GetProperty("role").GetString());
    }

    [Theory]
    [InlineData($$$"""{"role":"authenticated","sub":"{{{Sub}}}","user_metadata":{"role":"admin"}}""")]
    [InlineData($$$"""{"role":"authenticated","sub":"{{{Sub}}}","app_metadata":{"role":["admin"]}}""")]
    [InlineData($$$"""{"role":"authenticated","sub":"{{{Sub}}}","app_metadata":"admin"}""")]
    [InlineData($$$"""{"role":"authenticated","sub":"{{{Sub}}}","role_admin":true}""")]
    public void FromJwtPayload_AdminAnywhereButServerMetadata_IsAPlainUser(string payload)
    {
        Assert.Equal(RlsClaims.AuthenticatedRole, RlsClaims.FromJwtPayload(payload).Role);
    }

    [Fact]
    public void FromJwtPayload_AdminRoleWithoutSub_IsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => RlsClaims.FromJwtPayload("""{"role":"domain_admin"}"""));

        Assert.Contains("sub", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("supabase_admin")]
    [InlineData("admin")]
    public void FromJwtPayload_AnyOtherRole_IsRefused(string role)
    {
        var payload = JsonSerializer.Serialize(new { role, sub = Sub });

        var ex = Assert.Throws<ArgumentException>(() => RlsClaims.FromJwtPayload(payload));

        Assert.Contains(role, ex.Message, StringComparison.Ordinal);
    }
}
