using Domain.Identity;
using Mapster;

namespace Domain.Application.Identity;

/// <summary>Mapster configuration from profiles and API keys to their DTOs. A unit test compiles it with every destination member required.</summary>
public sealed class IdentityMapping : IRegister
{
    public void Register(TypeAdapterConfig config)
    {
        config.NewConfig<UserProfile, ProfileDto>();
        config.NewConfig<ApiKey, ApiKeyDto>()
            .Map(d => d.Scopes, k => k.Scopes.ToArray());
    }
}
