using Domain.Common;
using Domain.Sessions;

namespace Domain.UnitTests.Sessions;

public sealed class SessionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid Owner = Guid.CreateVersion7();

    private static Session NewSession() => Session.Create(Owner, "  A title  ", null, Now);

    [Fact]
    public void Create_TrimsTitleAndStartsActive()
    {
        var session = NewSession();

        Assert.Equal("A title", session.Title);
        Assert.Equal(SessionStatus.Active, session.Status);
        Assert.Equal(Owner, session.UserId);
        Assert.Equal(0, session.LastRevisionNumber);
        Assert.Null(session.CurrentIr);
        Assert.Equal(7, session.Id.Version);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Create_WithBlankTitle_Throws(string title)
    {
        var ex = Assert.Throws<DomainException>(() => Session.Create(Owner, title, null, Now));
        Assert.Equal("title.required", ex.Code);
    }

    [Fact]
    public void Create_WithTooLongTitle_Throws()
    {
        var ex = Assert.Throws<DomainException>(() => Session.Create(Owner, new string('x', SessionLimits.TitleMaxLength + 1), null, Now));
        Assert.Equal("title.too_long", ex.Code);
    }

    [Fact]
    public void Create_WithEmptyUser_Throws()
    {
        var ex = Assert.Throws<DomainException>(() => Session.Create(Guid.Empty, "t", null, Now));
        Assert.Equal("user_id.empty", ex.Code);
    }

    [Fact]
    public void AddRevision_NumbersRevisionsOneToN_AndCurrentIrFollowsNewest()
    {
        var session = NewSession();

        var first = session.AddRevision("""{"step":1}""", "first", Now);
        var second = session.AddRevision("""{"step":2}""", null, Now);
        var third = session.AddRevision("""{"step":3}""", "third", Now);

        Assert.Equal([1, 2, 3], session.Revisions.Select(r => r.RevisionNumber));
        Assert.Equal(3, session.LastRevisionNumber);
        Assert.Equal("""{"step":3}""", session.CurrentIr);
        Assert.All(new[] { first, second, third }, r =>
        {
            Assert.Equal(session.Id, r.SessionId);
            Assert.Equal(Owner, r.UserId);
        });
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("42")]
    [InlineData("")]
    public void AddRevision_WithIrThatIsNotAJsonObject_ThrowsAndRecordsNothing(string ir)
    {
        var session = NewSession();

        Assert.Throws<DomainException>(() => session.AddRevision(ir, null, Now));

        Assert.Empty(session.Revisions);
        Assert.Equal(0, session.LastRevisionNumber);
        Assert.Null(session.CurrentIr);
    }

    [Fact]
    public void AddDraft_BeforeAnyRevision_Throws()
    {
        var ex = Assert.Throws<DomainException>(() => NewSession().AddDraft("x = 1", "python", true, null, Now));
        Assert.Equal("session.no_revision", ex.Code);
    }

    [Fact]
    public void AddDraft_RecordsCodeLanguageValidityAndTheRevisionItCameFrom()
    {
        var session = NewSession();
        session.AddRevision("{}", null, Now);
        session.AddRevision("""{"a":1}""", null, Now);

        var draft = session.AddDraft("print(1)", "python", false, """{"errors":["E1"]}""", Now);

        Assert.Equal(2, draft.RevisionNumber);
        Assert.Equal("python", draft.Language);
        Assert.False(draft.IsValid);
        Assert.Equal("""{"errors":["E1"]}""", draft.ValidationDetails);
        Assert.Single(session.Drafts);
    }

    [Theory]
    [InlineData("Python")]
    [InlineData("py thon")]
    [InlineData("1c")]
    public void AddDraft_WithInvalidLanguage_Throws(string language)
    {
        var session = NewSession();
        session.AddRevision("{}", null, Now);

        var ex = Assert.Throws<DomainException>(() => session.AddDraft("code", language, true, null, Now));
        Assert.Equal("language.invalid", ex.Code);
        Assert.Empty(session.Drafts);
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void ResolveHole_WithConfidenceOutsideZeroToOne_ThrowsAndRecordsNothing(double confidence)
    {
        var session = NewSession();

        var ex = Assert.Throws<DomainException>(() => session.ResolveHole("?h1", "\"int\"", confidence, Now));

        Assert.Equal("confidence.out_of_range", ex.Code);
        Assert.Empty(session.HoleResolutions);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(0.5)]
    public void ResolveHole_AtTheBoundsOfConfidence_IsAccepted(double confidence)
    {
        var session = NewSession();

        var resolution = session.ResolveHole("?h1", "\"int\"", confidence, Now);

        Assert.Equal(confidence, resolution.Confidence);
    }

    [Fact]
    public void ResolveHole_TwiceForTheSameHole_RevisesTheExistingResolution()
    {
        var session = NewSession();
        var first = session.ResolveHole("?h1", "1", 0.2, Now);

        var again = session.ResolveHole("?h1", "2", 0.9, Now.AddMinutes(1));

        Assert.Same(first, again);
        Assert.Single(session.HoleResolutions);
        Assert.Equal("2", again.ResolutionValue);
        Assert.Equal(0.9, again.Confidence);
        Assert.Equal(Now.AddMinutes(1), again.ResolvedAt);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("1abc")]
    [InlineData("x'; drop table sessions; --")]
    public void ResolveHole_WithInvalidHoleId_Throws(string holeId)
    {
        Assert.Throws<DomainException>(() => NewSession().ResolveHole(holeId, "1", 0.5, Now));
    }

    [Fact]
    public void FinalizeSession_WithoutRevision_Throws()
    {
        var ex = Assert.Throws<DomainException>(() => NewSession().FinalizeSession(Now));
        Assert.Equal("session.no_revision", ex.Code);
    }

    [Fact]
    public void FinalizeSession_ThenAddRevision_Throws()
    {
        var session = NewSession();
        session.AddRevision("{}", null, Now);
        session.FinalizeSession(Now);

        var ex = Assert.Throws<DomainException>(() => session.AddRevision("{}", null, Now));

        Assert.Equal("session.finalized", ex.Code);
        Assert.Equal(SessionStatus.Finalized, session.Status);
        Assert.Equal(Now, session.FinalizedAt);
        Assert.Single(session.Revisions);
    }

    [Fact]
    public void FinalizeSession_Twice_Throws()
    {
        var session = NewSession();
        session.AddRevision("{}", null, Now);
        session.FinalizeSession(Now);

        Assert.Throws<DomainException>(() => session.FinalizeSession(Now));
    }

    [Fact]
    public void Archive_FromFinalized_IsAllowed_AndFreezesTheSession()
    {
        var session = NewSession();
        session.AddRevision("{}", null, Now);
        session.FinalizeSession(Now);

        session.Archive(Now);

        Assert.Equal(SessionStatus.Archived, session.Status);
        Assert.Equal(Now, session.ArchivedAt);
        Assert.Equal("session.archived", Assert.Throws<DomainException>(() => session.Retitle("new", null)).Code);
        Assert.Equal("session.archived", Assert.Throws<DomainException>(() => session.Archive(Now)).Code);
        Assert.Equal("session.archived", Assert.Throws<DomainException>(() => session.ResolveHole("?h", "1", 1, Now)).Code);
    }

    [Fact]
    public void Retitle_OnFinalizedSession_IsAllowed()
    {
        var session = NewSession();
        session.AddRevision("{}", null, Now);
        session.FinalizeSession(Now);

        session.Retitle("Renamed", "why");

        Assert.Equal("Renamed", session.Title);
        Assert.Equal("why", session.Description);
    }

    [Fact]
    public void ReplaceMetadata_WithNonObject_Throws()
    {
        var ex = Assert.Throws<DomainException>(() => NewSession().ReplaceMetadata("[]"));
        Assert.Equal("metadata.wrong_kind", ex.Code);
    }
}
