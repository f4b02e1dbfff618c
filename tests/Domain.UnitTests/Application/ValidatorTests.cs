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

    /// <summary>Every text and JSON field of every request, with a value PostgreSQL would refuse or store differently.</summary>
    public static TheoryData<string, object, string> UnstorableInput => new()
    {
        { "title NUL", new CreateSessionRequest("s\0s", null), nameof(CreateSessionRequest.Title) },
        { "title lone surrogate", new CreateSessionRequest("x\ud800", null), nameof(CreateSessionRequest.Title) },
        { "description NUL", new CreateSessionRequest("t", "d\0"), nameof(CreateSessionRequest.Description) },
        { "summary NUL", new AddRevisionRequest("""{"a":1}""", "s\0s"), nameof(AddRevisionRequest.ChangeSummary) },
        { "summary lone surrogate", new AddRevisionRequest("""{"a":1}""", "\udc00"), nameof(AddRevisionRequest.ChangeSummary) },
        { "ir escaped NUL", new AddRevisionRequest("""{"a":"\u0000"}""", null), nameof(AddRevisionRequest.Ir) },
        { "ir escaped lone surrogate", new AddRevisionRequest("""{"a":"\ud800"}""", null), nameof(AddRevisionRequest.Ir) },
        { "ir raw lone surrogate", new AddRevisionRequest("{\"a\":\"\ud800\"}", null), nameof(AddRevisionRequest.Ir) },
        { "ir number overflow", new AddRevisionRequest("""{"n":1e200000}""", null), nameof(AddRevisionRequest.Ir) },
        { "ir duplicate keys", new AddRevisionRequest("""{"a":1,"a":2}""", null), nameof(AddRevisionRequest.Ir) },
        { "code NUL", new AddDraftRequest("print(\0)", "python", true, null), nameof(AddDraftRequest.Code) },
        { "code lone surrogate", new AddDraftRequest("\ud800", "python", true, null), nameof(AddDraftRequest.Code) },
        { "validation details NUL", new AddDraftRequest("c", "python", true, """{"e":"\u0000"}"""), nameof(AddDraftRequest.ValidationDetails) },
        { "resolution value duplicate keys", new ResolveHoleRequest("?h", """{"v":1,"v":2}""", 0.5), nameof(ResolveHoleRequest.ResolutionValue) },
        { "resolution value overflow", new ResolveHoleRequest("?h", "1e131072", 0.5), nameof(ResolveHoleRequest.ResolutionValue) },
    };

    [Theory]
    [MemberData(nameof(UnstorableInput))]
    public void UnstorableInput_IsInvalid_NamingTheField(string because, object request, string field)
    {
        var result = request switch
        {
            CreateSessionRequest r => new CreateSessionRequestValidator().Validate(r),
            AddRevisionRequest r => new AddRevisionRequestValidator().Validate(r),
            AddDraftRequest r => new AddDraftRequestValidator().Validate(r),
            ResolveHoleRequest r => new ResolveHoleRequestValidator().Validate(r),
            _ => throw new ArgumentOutOfRangeException(nameof(request), because),
        };

        Assert.False(result.IsValid, because);
        Assert.Contains(result.Errors, e => e.PropertyName == field);
    }
}
