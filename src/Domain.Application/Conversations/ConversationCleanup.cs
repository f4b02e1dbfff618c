using Domain.Application.Common;
using Domain.Persistence.Conversations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Domain.Application.Conversations;

/// <summary>
/// Removes expired conversations of every user (seed 004's <c>cleanup_expired_conversations</c>), as the service role,
/// in bounded batches: each batch is one statement over at most <see cref="ConversationOptions.CleanupBatchSize"/>
/// conversations, in its own transaction, so no run holds locks on a large set or waits on writers (rows a writer
/// holds are left for the next run). A conversation's messages and file attachments go with it (the foreign keys
/// cascade); the usage records spent on it stay, without the conversation's id.
/// </summary>
public sealed partial class ConversationCleanup(
    RequestPipeline pipeline, TimeProvider clock, IOptions<ConversationOptions> options, ILogger<ConversationCleanup>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<ConversationCleanup>.Instance;

    /// <summary>Removes every conversation expired now, batch by batch; returns how many were removed.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        var batchSize = options.Value.CleanupBatchSize;
        var now = clock.GetUtcNow();
        var removed = 0;
        while (true)
        {
            var batch = await pipeline.RunAsync(
                Caller.Service, (context, ct) => context.DeleteExpiredConversationsAsync(now, batchSize, ct), cancellationToken);
            removed += batch.Count;
            if (batch.Count > 0)
            {
                LogBatch(batch.Count, removed);
            }

            if (batch.Count < batchSize)
            {
                return removed;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} expired conversations ({Total} in this run)")]
    private partial void LogBatch(int count, int total);
}
