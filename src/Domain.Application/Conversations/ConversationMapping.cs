using Domain.Conversations;
using Domain.Persistence.Conversations;
using Mapster;

namespace Domain.Application.Conversations;

/// <summary>Mapster configuration from the Conversation aggregate to its DTOs. A unit test compiles it with every destination member required.</summary>
public sealed class ConversationMapping : IRegister
{
    public void Register(TypeAdapterConfig config)
    {
        config.NewConfig<Conversation, ConversationDto>();
        config.NewConfig<Message, MessageDto>();
        config.NewConfig<AppendedMessage, MessageDto>()
            .Map(d => d.Role, s => s.Content.Role)
            .Map(d => d.Content, s => s.Content.Content)
            .Map(d => d.PromptTokens, s => s.Content.PromptTokens)
            .Map(d => d.CompletionTokens, s => s.Content.CompletionTokens)
            .Map(d => d.TokenCount, s => s.Content.TokenCount)
            .Map(d => d.Provider, s => s.Content.Provider)
            .Map(d => d.ProviderMessageId, s => s.Content.ProviderMessageId)
            .Map(d => d.Metadata, s => s.Content.MetadataJson);
    }
}
