using Domain.Auditing;
using Mapster;

namespace Domain.Application.Auditing;

/// <summary>Mapster configuration from audit entries to their DTO.</summary>
public sealed class AuditMapping : IRegister
{
    public void Register(TypeAdapterConfig config)
    {
        config.NewConfig<AuditEntry, AuditEntryDto>();
    }
}
