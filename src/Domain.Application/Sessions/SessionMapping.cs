using Domain.Persistence.Sessions;
using Domain.Persistence.Views;
using Domain.Sessions;
using Mapster;

namespace Domain.Application.Sessions;

/// <summary>Mapster configuration from the Session aggregate to its DTOs. A unit test compiles it with every destination member required.</summary>
public sealed class SessionMapping : IRegister
{
    public void Register(TypeAdapterConfig config)
    {
        config.NewConfig<Session, SessionDto>();
        config.NewConfig<SessionRevision, SessionRevisionDto>();
        config.NewConfig<AppendedRevision, SessionRevisionDto>();
        config.NewConfig<SessionDraft, SessionDraftDto>();
        config.NewConfig<HoleResolution, HoleResolutionDto>();
        config.NewConfig<Session, SessionDetailsDto>()
            .Map(d => d.Session, s => s)
            .Map(d => d.Revisions, s => s.Revisions.OrderBy(r => r.RevisionNumber))
            .Map(d => d.Drafts, s => s.Drafts.OrderBy(d => d.CreatedAt))
            .Map(d => d.HoleResolutions, s => s.HoleResolutions.OrderBy(h => h.HoleId));

        // The one-round-trip read: the snapshot already lists the children in the order above.
        config.NewConfig<SessionSnapshot, SessionDto>();
        config.NewConfig<SessionRevisionSnapshot, SessionRevisionDto>();
        config.NewConfig<SessionDraftSnapshot, SessionDraftDto>();
        config.NewConfig<HoleResolutionSnapshot, HoleResolutionDto>();
        config.NewConfig<SessionSnapshot, SessionDetailsDto>()
            .Map(d => d.Session, s => s);

        config.NewConfig<SessionSummaryRow, SessionSummaryDto>();
    }
}
