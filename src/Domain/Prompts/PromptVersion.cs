using System.Security.Cryptography;
using System.Text;
using Domain.Common;

namespace Domain.Prompts;

/// <summary>
/// One immutable version of a system prompt, numbered 1..n within its prompt and never renumbered. A version is
/// published once and never changed or removed: rolling back activates an earlier one and keeps every later one.
/// </summary>
public sealed class PromptVersion
{
    private PromptVersion()
    {
        Content = string.Empty;
        ContentHash = string.Empty;
    }

    internal PromptVersion(Guid id, SystemPrompt prompt, int versionNumber, string content, string? notes, Guid? authorId, DateTimeOffset createdAt)
    {
        Id = id;
        PromptId = prompt.Id;
        VersionNumber = versionNumber;
        Content = content;
        ContentHash = HashOf(content);
        Notes = notes;
        AuthorId = authorId;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }

    public Guid PromptId { get; private set; }

    /// <summary>Position among the prompt's versions, one past the last one given out; never reused.</summary>
    public int VersionNumber { get; private set; }

    /// <summary>The prompt text, kept exactly as published.</summary>
    public string Content { get; private set; }

    /// <summary>SHA-256 of <see cref="Content"/>'s UTF-8 bytes, lower-case hex: the same text always has the same hash.</summary>
    public string ContentHash { get; private set; }

    /// <summary>What changed and why (seed 004's <c>change_description</c>), if said.</summary>
    public string? Notes { get; private set; }

    /// <summary>The signed-in user who published it; null when the backend (service role) did.</summary>
    public Guid? AuthorId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>The content hash <paramref name="content"/> gets: SHA-256 of its UTF-8 bytes in lower-case hex.</summary>
    public static string HashOf(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
    }

    /// <summary>The checks a version's content and notes must pass, returning the values to store.</summary>
    public static (string Content, string? Notes) Validate(string content, string? notes)
        => (Guard.Content(content, "content", PromptLimits.ContentMaxLength), Guard.OptionalText(notes, "notes", PromptLimits.NotesMaxLength));
}
