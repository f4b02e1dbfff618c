using Domain.Persistence.Views;
using Domain.Prompts;
using Mapster;

namespace Domain.Application.Prompts;

/// <summary>Mapster configuration from the SystemPrompt aggregate and its view to their DTOs. A unit test compiles it with every destination member required.</summary>
public sealed class PromptMapping : IRegister
{
    public void Register(TypeAdapterConfig config)
    {
        config.NewConfig<SystemPrompt, PromptDto>();
        config.NewConfig<PromptVersion, PromptVersionDto>();
        config.NewConfig<PromptVersionResultRow, PromptVersionResultsDto>();
    }
}
