using Domain.Application;
using Domain.Application.Sessions;
using Domain.Sessions;
using Mapster;

namespace Domain.UnitTests.Application;

public sealed class MappingTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void MappingConfig_CompilesWithEveryDestinationMemberMapped()
    {
        var config = ApplicationServiceCollectionExtensions.CreateMappingConfig();

        Assert.True(config.RequireDestinationMemberSource);
        config.Compile();
    }

    [Fact]
    public void MappingConfig_MissingSourceMember_IsDetected()
    {
        var config = new TypeAdapterConfig { RequireDestinationMemberSource = true };
        config.NewConfig<Session, DtoWithUnknownMember>();

        Assert.ThrowsAny<Exception>(() => config.Compile());
    }

    [Fact]
    public void SessionDetails_MapsChildrenInOrder()
    {
        var config = ApplicationServiceCollectionExtensions.CreateMappingConfig();
        var session = Session.Create(Guid.CreateVersion7(), "Title", "Description", Now);
        session.AddRevision("""{"n":1}""", "one", Now);
        session.AddRevision("""{"n":2}""", "two", Now);
        session.AddDraft("code", "python", true, null, Now);
        session.ResolveHole("?b", "1", 0.5, Now);
        session.ResolveHole("?a", "2", 0.25, Now);

        var dto = session.Adapt<SessionDetailsDto>(config);

        Assert.Equal(session.Id, dto.Session.Id);
        Assert.Equal("Title", dto.Session.Title);
        Assert.Equal([1, 2], dto.Revisions.Select(r => r.RevisionNumber));
        Assert.Equal("""{"n":2}""", dto.Session.CurrentIr);
        Assert.Equal(["?a", "?b"], dto.HoleResolutions.Select(h => h.HoleId));
        Assert.Single(dto.Drafts);
    }

    private sealed record DtoWithUnknownMember(Guid Id, string NotOnSession);
}
