using Domain.Conversations;
using Domain.Persistence.Conversations;
using Domain.Persistence.Auditing;
using Domain.Persistence.RowLevelSecurity;
using Domain.Sessions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Domain.Persistence.EntityConfigurations.Conversations;

internal sealed class ConversationConfiguration : IEntityTypeConfiguration<Conversation>
{

    public void Configure(EntityTypeBuilder<Conversation> builder)
    {
        builder.ToTable("conversations", t =>
        {
            t.HasCheckConstraint("ck_conversations_title_length", $"char_length(title) between 1 and {ConversationLimits.TitleMaxLength}");
            t.HasCheckConstraint("ck_conversations_message_count", "message_count >= 0 and last_sequence >= message_count");
            t.HasCheckConstraint("ck_conversations_metadata_object", "jsonb_typeof(metadata) = 'object'");
            t.HasCheckConstraint("ck_conversations_context_object", "context is null or jsonb_typeof(context) = 'object'");
            t.HasCheckConstraint("ck_conversations_expires_after_creation", "expires_at is null or expires_at > created_at");
        });

        // Counters, updated_at (triggers) and the owner are never written by callers.
        builder.HasRowLevelSecurity(rls => rls
            .OwnedBy(c => c.UserId)
            .Commands(RowCommands.All)
            .InsertColumns(c => new
            {
                c.Id, c.UserId, c.SessionId, c.ContinuationId, c.Title, c.ToolName, c.Provider, c.Metadata, c.Context, c.LastSequence,
                c.ExpiresAt, c.CreatedAt, c.ArchivedAt,
            })
            .UpdateColumns(c => new { c.Title, c.Metadata, c.Context, c.LastSequence, c.ExpiresAt, c.ArchivedAt, c.UpdatedAt }));

        // Every appended message moves the counters, the last sequence and activity and (for an expiring conversation)
        // the expiry: bookkeeping of the messages, not edits of the conversation, so left out of the trail.
        builder.IsAudited(audit => audit.Excluding(c => new
        {
            c.MessageCount, c.LastSequence, c.LastMessageAt, c.LastActivityAt, c.ExpiresAt, c.UpdatedAt,
        }));

        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).HasDefaultValueSql("gen_random_uuid()").ValueGeneratedNever();
        builder.HasAlternateKey(c => new { c.Id, c.UserId });

        builder.Property(c => c.Title).HasMaxLength(ConversationLimits.TitleMaxLength);
        builder.Property(c => c.ContinuationId).HasMaxLength(ConversationLimits.ContinuationIdMaxLength);
        builder.Property(c => c.ToolName).HasMaxLength(ConversationLimits.ToolNameMaxLength);
        builder.Property(c => c.Provider).HasMaxLength(ConversationLimits.ProviderMaxLength);
        builder.Property(c => c.Metadata).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb");
        builder.Property(c => c.Context).HasColumnType("jsonb");
        builder.Property(c => c.CreatedAt).HasDefaultValueSql("now()");
        builder.Ignore(c => c.IsArchived);

        builder.Property(c => c.MessageCount).MaintainedByDatabase(defaultValueSql: "0");
        builder.Property(c => c.LastMessageAt).MaintainedByDatabase(defaultValueSql: "null");
        builder.Property(c => c.LastActivityAt).MaintainedByDatabase(defaultValueSql: "now()");
        builder.Property(c => c.UpdatedAt).TouchedByChildChanges(defaultValueSql: "now()");

        builder.Property<uint>(EntityConfigurationExtensions.RowVersion).IsRowVersion();

        builder.HasIndex(c => new { c.UserId, c.CreatedAt, c.Id })
            .IsDescending(false, true, true)
            .HasDatabaseName("ix_conversations_user_id_created_at");
        builder.HasIndex(c => new { c.UserId, c.LastActivityAt, c.Id })
            .IsDescending(false, true, true)
            .HasDatabaseName("ix_conversations_user_id_last_activity_at");
        builder.HasIndex(c => new { c.UserId, c.ContinuationId }).IsUnique().HasFilter("continuation_id is not null")
            .HasDatabaseName(ConversationIndexes.ContinuationId);
        builder.HasIndex(c => c.ExpiresAt).HasFilter("expires_at is not null");
        builder.HasIndex(c => new { c.SessionId, c.UserId });

        // A conversation may work on a session of the same owner. Deleting the session detaches its conversations: the
        // database sets only session_id to null (ON DELETE SET NULL (session_id), written by the migration, since EF
        // would null user_id as well); EF does the same for conversations it tracks.
        builder.HasOne<Session>().WithMany()
            .HasForeignKey(c => new { c.SessionId, c.UserId })
            .HasPrincipalKey(s => new { s.Id, s.UserId })
            .OnDelete(DeleteBehavior.ClientSetNull);

        builder.HasMany(c => c.Messages).WithOne()
            .HasForeignKey(m => new { m.ConversationId, m.UserId })
            .HasPrincipalKey(c => new { c.Id, c.UserId })
            .OnDelete(DeleteBehavior.Cascade);

        // The conversation's files: removing the conversation (the expiry cleanup included) removes its attachments,
        // never the files.
        builder.HasMany(c => c.Files).WithOne()
            .HasForeignKey(a => new { a.ConversationId, a.UserId })
            .HasPrincipalKey(c => new { c.Id, c.UserId })
            .OnDelete(DeleteBehavior.Cascade);
    }
}
