using System.Text.Json;
using Domain.Common;
using Domain.Sessions;

namespace Domain.UnitTests.Common;

/// <summary>
/// What PostgreSQL can store as text and as jsonb is decided before anything is sent: every value PostgreSQL would
/// refuse (or store differently from what the caller sees) is refused here with the reason.
/// </summary>
public sealed class StorableValuesTests
{
    /// <summary>Not enumerated at discovery: a lone surrogate does not survive the runner's serialization of test cases.</summary>
    public static TheoryData<string, bool> Texts => new()
    {
        { "plain", true },
        { "zoë 例え 🎉 tab\tnew\nline", true },
        { "", true },
        { "s\0s", false },
        { "\0", false },
        { "lone \ud800 high", false },
        { "lone \udc00 low", false },
        { "reversed \udc00\ud800 pair", false },
        { "ends with high \ud83c", false },
    };

    public static TheoryData<string> UnstorableTitles => new() { "s\0s", "x\ud800" };

    [Theory]
    [MemberData(nameof(Texts), DisableDiscoveryEnumeration = true)]
    public void Text_IsStorable_OnlyWithoutNulAndWithWellFormedUtf16(string value, bool storable)
    {
        Assert.Equal(storable, StorableText.Problem(value) is null);
    }

    [Theory]
    [InlineData("""{"a":1}""")]
    [InlineData("""{"a":{"b":[1,2,{"c":"zoë \ud83c\udf89"}]}}""")]
    [InlineData("""{"escaped":"\u00e9 \ud83c\udf89 \"quoted\" \\ \n"}""")]
    [InlineData("""{"big":1e131071,"small":1e-16383,"neg":-9.9e131071,"zero":0e200000,"plain":123.456}""")]
    [InlineData("""{"same key":1,"nested":{"same key":2}}""")]
    public void Json_PostgresStoresAsSent_IsStorable(string json)
    {
        Assert.Null(StorableJson.Problem(json, JsonValueKind.Object));
    }

    [Theory]
    [InlineData("{not json", "not valid JSON")]
    [InlineData("""{"a":"\u0000"}""", "\\u0000")]
    [InlineData("""{"a":"x\ud800y"}""", "surrogate")]
    [InlineData("""{"a":"\udc00"}""", "surrogate")]
    [InlineData("""{"a":1,"a":2}""", "'a'")]
    [InlineData("""{"outer":{"role":"user","role":"admin"}}""", "'role'")]
    [InlineData("""[{"k":1,"k":1}]""", "'k'")]
    [InlineData("""{"n":1e200000}""", "number")]
    [InlineData("""{"n":1e131072}""", "number")]
    [InlineData("""{"n":1.5e-16383}""", "number")]
    [InlineData("""{"n":0.000e-20000}""", "number")]
    [InlineData("""{"n":1e99999999999}""", "number")]
    public void Json_PostgresWouldRefuseOrStoreDifferently_IsRefused_WithTheReason(string json, string reason)
    {
        var problem = StorableJson.Problem(json);

        Assert.NotNull(problem);
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_WithARawLoneSurrogate_IsRefused_NotThrown()
    {
        Assert.Contains("surrogate", StorableJson.Problem("{\"a\":\"x\ud800\"}"), StringComparison.Ordinal);
    }

    [Fact]
    public void Json_OfTheWrongKind_SaysWhichKindItIs()
    {
        Assert.Contains("array", StorableJson.Problem("[]", JsonValueKind.Object), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(UnstorableTitles), DisableDiscoveryEnumeration = true)]
    public void ModelGuards_RefuseUnstorableText_NamingTheField(string title)
    {
        var ex = Assert.Throws<DomainException>(() => Session.Create(Guid.CreateVersion7(), title, null, DateTimeOffset.UtcNow));

        Assert.StartsWith("title.", ex.Code, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"a":"\u0000"}""")]
    [InlineData("""{"a":1,"a":2}""")]
    [InlineData("""{"n":1e200000}""")]
    public void ModelGuards_RefuseUnstorableJson_NamingTheField(string ir)
    {
        var session = Session.Create(Guid.CreateVersion7(), "t", null, DateTimeOffset.UtcNow);

        var ex = Assert.Throws<DomainException>(() => session.AddRevision(ir, null, DateTimeOffset.UtcNow));

        Assert.StartsWith("ir.", ex.Code, StringComparison.Ordinal);
    }
}
