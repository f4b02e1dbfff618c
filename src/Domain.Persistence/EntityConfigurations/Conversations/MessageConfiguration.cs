using Domain.Conversations;
using Domain.Persistence.Conversations;
using Domain.Persistence.RowLevelSecurity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Domain.Persistence.EntityConfigurations.Conversations;

internal sealed class MessageConfiguration : IEntityTypeConfiguration<Message>
{

    public void Configure(EntityTypeBuilder<Message> builder)
    {
        builder.ToTable("messages", t =>
        {
            t.HasCheckConstraint("ck_messages_sequence_positive", "sequence >= 1");
            t.HasCheckConstraint("ck_messages_content_length", $"char_length(content) between 1 and {ConversationLimits.ContentMaxLength}");
            t.HasCheckConstraint("ck_messages_token_count", "token_count is null or token_count >= 0");
            t.HasCheckConstraint(
                "ck_messages_token_parts", "(prompt_tokens is null or prompt_tokens >= 0) and (completion_tokens is null or completion_tokens >= 0)");
            t.HasCheckConstraint("ck_messages_provider_message_id", "provider_message_id is null or provider is not null");
            t.HasCheckConstraint("ck_messages_metadata_object", "metadata is null or jsonb_typeof(metadata) = 'object'");
        });

        // Messages are history: owners add and read them; they go only with their conversation.
        builder.HasRowLevelSecurity(rls => rls.OwnedBy(m => m.UserId).Commands(RowCommands.AppendOnly));

        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).HasDefaultValueSql("gen_random_uuid()").ValueGeneratedNever();
        builder.Property(m => m.Metadata).HasColumnType("jsonb");
        builder.Property(m => m.Provider).HasMaxLength(ConversationLimits.ProviderMaxLength);
        builder.Property(m => m.ProviderMessageId).HasMaxLength(ConversationLimits.ProviderMessageIdMaxLength);
        builder.Property(m => m.CreatedAt).HasDefaultValueSql("now()");

        builder.HasIndex(m => new { m.ConversationId, m.Sequence }).IsUnique().HasDatabaseName(OrdinalIndexes.MessageSequence);
        builder.HasIndex(m => new { m.ConversationId, m.UserId });
        builder.HasIndex(m => new { m.ConversationId, m.Provider, m.ProviderMessageId }).IsUnique()
            .HasFilter("provider_message_id is not null")
            .HasDatabaseName(ConversationIndexes.ProviderMessageId);
        builder.HasIndex(m => m.UserId);
    }
}
