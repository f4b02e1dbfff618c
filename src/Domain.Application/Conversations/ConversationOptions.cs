namespace Domain.Application.Conversations;

/// <summary>How long conversations live and how expired ones are removed; bound from <c>Domain:Conversations</c>.</summary>
public sealed class ConversationOptions
{
    public const string SectionName = "Domain:Conversations";

    /// <summary>
    /// How long after its creation or its newest message a conversation expires; null: conversations never expire.
    /// Each new message extends the expiry of an expiring conversation.
    /// </summary>
    public TimeSpan? TimeToLive { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How many expired conversations one cleanup statement removes (with their messages and attachments).</summary>
    public int CleanupBatchSize { get; set; } = 500;

    /// <summary>How long the cleanup service waits between runs; null turns the service off (run <c>domain conversations cleanup</c> instead).</summary>
    public TimeSpan? CleanupInterval { get; set; } = TimeSpan.FromMinutes(5);
}
