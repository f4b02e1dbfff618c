using Domain.Conversations;
using Domain.Files;
using Domain.Persistence.Files;
using Domain.Persistence.RowLevelSecurity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Domain.Persistence.EntityConfigurations.Conversations;

internal sealed class ConversationFileConfiguration : IEntityTypeConfiguration<ConversationFile>
{
    public void Configure(EntityTypeBuilder<ConversationFile> builder)
    {
        builder.ToTable("conversation_files");

        // Owners attach and detach their own files to their own conversations (both keys carry user_id, so neither can
        // be another user's); an attachment is never changed, only removed.
        builder.HasRowLevelSecurity(rls => rls
            .OwnedBy(a => a.UserId)
            .Commands(RowCommands.Select | RowCommands.Insert | RowCommands.Delete)
            .InsertColumns(a => new { a.ConversationId, a.FileId, a.UserId, a.AttachedAt }));

        builder.HasKey(a => new { a.ConversationId, a.FileId }).HasName(FileIndexes.Attachment);
        builder.Property(a => a.AttachedAt).HasDefaultValueSql("now()");

        // The file goes, its attachments go (its row is deleted only with its user or by the backend).
        builder.HasOne<StoredFile>().WithMany()
            .HasForeignKey(a => new { a.FileId, a.UserId })
            .HasPrincipalKey(f => new { f.Id, f.UserId })
            .OnDelete(DeleteBehavior.Cascade);

        builder.HasIndex(a => new { a.ConversationId, a.UserId });
        builder.HasIndex(a => new { a.FileId, a.UserId });
        builder.HasIndex(a => new { a.UserId, a.AttachedAt })
            .IsDescending(false, true)
            .HasDatabaseName("ix_conversation_files_user_id_attached_at");
    }
}
