using Domain.Application.Sessions;
using Domain.Sessions;

namespace Domain.UnitTests.Application;

public sealed class ValidatorTests
{
    [Fact]
    public void CreateSession_WithBlankTitle_NamesTheField()
    {
        var result = new CreateSessionRequestValidator().Validate(new CreateSessionRequest("  ", null));

        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.PropertyName == nameof(CreateSessionRequest.Title));
    }

    [Fact]
    public void CreateSession_UsesTheModelsTitleLimit()
    {
        var validator = new CreateSessionRequestValidator();

        Assert.True(validator.Validate(new CreateSessionRequest(new string('t', SessionLimits.TitleMaxLength), null)).IsValid);
        Assert.False(validator.Validate(new CreateSessionRequest(new string('t', SessionLimits.TitleMaxLength + 1), null)).IsValid);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[]")]
    [InlineData("")]
    public void AddRevision_WithIrThatIsNotAnObject_IsInvalid(string ir)
    {
        var result = new AddRevisionRequestValidator().Validate(new AddRevisionRequest(ir, null));

        Assert.Contains(result.Errors, e => e.PropertyName == nameof(AddRevisionRequest.Ir));
    }

    [Theory]
    [InlineData(-0.5, false)]
    [InlineData(1.5, false)]
    [InlineData(double.NaN, false)]
    [InlineData(0.0, true)]
    [InlineData(1.0, true)]
    public void ResolveHole_ChecksConfidenceRange(double confidence, bool valid)
    {
        var result = new ResolveHoleRequestValidator().Validate(new ResolveHoleRequest("?h1", "1", confidence));

        Assert.Equal(valid, result.IsValid);
        if (!valid)
        {
            Assert.Contains(result.Errors, e => e.PropertyName == nameof(ResolveHoleRequest.Confidence));
        }
    }

    [Theory]
    [InlineData("Python")]
    [InlineData("")]
    public void AddDraft_WithBadLanguage_IsInvalid(string language)
    {
        var result = new AddDraftRequestValidator().Validate(new AddDraftRequest("code", language, true, null));

        Assert.Contains(result.Errors, e => e.PropertyName == nameof(AddDraftRequest.Language));
    }
}
