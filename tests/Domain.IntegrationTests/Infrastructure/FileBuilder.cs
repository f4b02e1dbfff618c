using System.Security.Cryptography;
using System.Text;
using Domain.Conversations;
using Domain.Files;
using Domain.Persistence.Rls;

namespace Domain.IntegrationTests.Infrastructure;

/// <summary>Arranges files through the model, acting as the owner, so RLS and triggers run as in production.</summary>
public static class FileBuilder
{
    /// <summary>The SHA-256 of <paramref name="content"/> in hexadecimal, as a client computes it before uploading.</summary>
    public static string Sha256Of(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));

    /// <summary>A description of a file of <paramref name="userId"/> named <paramref name="name"/> whose content is the name.</summary>
    public static FileDetails Details(Guid userId, string name, long size = 1_000, string mimeType = "application/pdf")
        => new($"user-files/{userId}/{name}", name, mimeType, size, Sha256Of(name));

    /// <summary>
    /// A file of <paramref name="userId"/> with a copy at each of <paramref name="providers"/> (provider file id
    /// <c>&lt;provider&gt;-&lt;name&gt;</c>).
    /// </summary>
    public static async Task<StoredFile> FileAsync(this MigratedDatabase database, Guid userId, string name, params string[] providers)
    {
        var now = TimeProvider.System.GetUtcNow();
        var file = StoredFile.Register(userId, Details(userId, name), now);
        foreach (var provider in providers)
        {
            file.RecordProviderUpload(new ProviderUploadDetails(provider, $"{provider}-{name}-{userId:N}", "assistants"), now);
        }

        await using var db = database.ContextFor(RlsClaims.ForUser(userId));
        db.Files.Add(file);
        await db.SaveChangesAsync();
        return file;
    }

    /// <summary>A conversation of <paramref name="userId"/> with <paramref name="files"/> attached.</summary>
    public static async Task<Conversation> ConversationWithFilesAsync(this MigratedDatabase database, Guid userId, params StoredFile[] files)
    {
        var now = TimeProvider.System.GetUtcNow();
        var conversation = Conversation.Create(userId, "with files", now);
        foreach (var file in files)
        {
            conversation.AttachFile(file, now);
        }

        await using var db = database.ContextFor(RlsClaims.ForUser(userId));
        db.Conversations.Add(conversation);
        await db.SaveChangesAsync();
        return conversation;
    }
}
