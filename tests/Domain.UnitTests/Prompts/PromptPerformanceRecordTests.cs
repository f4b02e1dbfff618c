using Domain.Common;
using Domain.Prompts;

namespace Domain.UnitTests.Prompts;

public sealed class PromptPerformanceRecordTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid User = Guid.CreateVersion7();
    private static readonly Guid Version = Guid.CreateVersion7();

    [Fact]
    public void Create_KeepsWhatWasMeasured_WithAnIdFromTheTime()
    {
        var record = PromptPerformanceRecord.Create(User, Version, 812, 1_250, false, Now, qualityScore: 0.25, errorMessage: " timeout ");

        Assert.Equal((User, Version, 812, 1_250, false, (double?)0.25, "timeout", Now),
            (record.UserId, record.PromptVersionId, record.TokenCount, record.LatencyMs, record.Succeeded, record.QualityScore, record.ErrorMessage, record.OccurredAt));
        Assert.Equal(7, record.Id.Version);
    }

    [Theory]
    [InlineData(-1, 0, null, "token_count.negative")]
    [InlineData(0, -1, null, "latency_ms.negative")]
    [InlineData(0, 0, -0.1, "quality_score.out_of_range")]
    [InlineData(0, 0, 1.1, "quality_score.out_of_range")]
    [InlineData(0, 0, double.NaN, "quality_score.out_of_range")]
    public void Create_WithAnImpossibleMeasure_Throws(int tokens, int latency, double? quality, string code)
    {
        Assert.Equal(code, Assert.Throws<DomainException>(() => PromptPerformanceRecord.Create(User, Version, tokens, latency, true, Now, quality)).Code);
    }

    [Fact]
    public void Create_ASuccessWithAnError_OrWithoutUserOrVersion_Throws()
    {
        Assert.Equal("error_message.on_success",
            Assert.Throws<DomainException>(() => PromptPerformanceRecord.Create(User, Version, 1, 1, true, Now, errorMessage: "boom")).Code);
        Assert.Equal("user_id.empty", Assert.Throws<DomainException>(() => PromptPerformanceRecord.Create(Guid.Empty, Version, 1, 1, true, Now)).Code);
        Assert.Equal("prompt_version_id.empty", Assert.Throws<DomainException>(() => PromptPerformanceRecord.Create(User, Guid.Empty, 1, 1, true, Now)).Code);
    }
}
