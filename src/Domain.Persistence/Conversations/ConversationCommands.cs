using Domain.Conversations;
using Domain.Persistence.Errors;
using Domain.Persistence.Rls;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Domain.Persistence.Conversations;

/// <summary>A message appended by <see cref="ConversationCommands.AppendMessageAsync"/>.</summary>
public sealed record AppendedMessage(Guid Id, Guid ConversationId, int Sequence, MessageContent Content, DateTimeOffset CreatedAt);

/// <summary>
/// Writes of the Conversation aggregate that do not need the aggregate in memory, each one statement and one round
/// trip, through EF's raw SQL path so the claims interceptors carry the caller and RLS decides.
/// </summary>
public static class ConversationCommands
{
    /// <summary>
    /// Takes the next sequence on an open conversation, extends an expiring conversation's expiry, and inserts the
    /// message in the same statement. The conversation row's lock orders concurrent appends: sequences are unique and
    /// without gaps, and <c>message_count</c> stays exact (its trigger runs at commit).
    /// </summary>
    private const string AppendMessageSql = """
        WITH c AS (
            UPDATE public.conversations
               SET last_sequence = last_sequence + 1,
                   expires_at = CASE WHEN expires_at IS NULL THEN NULL ELSE greatest(expires_at, @expires_at) END
             WHERE id = @conversation_id AND archived_at IS NULL
         RETURNING id, user_id, last_sequence)
        INSERT INTO public.messages (id, conversation_id, user_id, sequence, role, content, prompt_tokens, completion_tokens,
                                     token_count, provider, provider_message_id, metadata, created_at)
        SELECT @id, c.id, c.user_id, c.last_sequence, @role, @content, @prompt_tokens, @completion_tokens,
               @token_count, @provider, @provider_message_id, @metadata, @created_at
          FROM c
        RETURNING sequence AS "Value"
        """;

    /// <summary>Expired conversations, oldest expiry first, skipping rows a writer holds: one bounded batch per call.</summary>
    private const string DeleteExpiredSql = """
        DELETE FROM public.conversations
         WHERE id IN (SELECT id FROM public.conversations
                       WHERE expires_at <= @now
                       ORDER BY expires_at
                       LIMIT @batch_size
                       FOR UPDATE SKIP LOCKED)
        RETURNING id AS "Value"
        """;

    /// <summary>
    /// Appends a message to conversation <paramref name="conversationId"/> as <see cref="Conversation.AddMessage(MessageContent, DateTimeOffset, TimeSpan?)"/>
    /// would (same checks, next sequence, expiry extended by <paramref name="timeToLive"/>), without loading the
    /// conversation. Returns null, having written nothing, when the caller cannot change the conversation (anon never
    /// can; nothing is sent) or it is archived. A message whose provider id the conversation already holds is refused
    /// by the database (<see cref="UniqueViolationException"/> on <c>ix_messages_conversation_id_provider_provider_message_id</c>).
    /// </summary>
    /// <exception cref="Domain.Common.DomainException">The content breaks the model's rules; nothing was sent.</exception>
    public static async Task<AppendedMessage?> AppendMessageAsync(
        this DomainDbContext db, Guid conversationId, MessageContent content, DateTimeOffset now, TimeSpan? timeToLive,
        CancellationToken cancellationToken = default)
    {
        var message = MessageContent.Validate(content);
        var expiresAt = Conversation.ExpiryAfter(now, timeToLive);
        if (db.Claims.Role == RlsClaims.AnonRole)
        {
            return null;
        }

        var id = Guid.CreateVersion7(now);
        var sequences = await db.Database.SqlQueryRaw<int>(
                AppendMessageSql,
                Parameter("conversation_id", NpgsqlDbType.Uuid, conversationId),
                Parameter("expires_at", NpgsqlDbType.TimestampTz, expiresAt?.ToUniversalTime()),
                Parameter("id", NpgsqlDbType.Uuid, id),
                new NpgsqlParameter("role", message.Role),
                Parameter("content", NpgsqlDbType.Text, message.Content),
                Parameter("prompt_tokens", NpgsqlDbType.Integer, message.PromptTokens),
                Parameter("completion_tokens", NpgsqlDbType.Integer, message.CompletionTokens),
                Parameter("token_count", NpgsqlDbType.Integer, message.TokenCount),
                Parameter("provider", NpgsqlDbType.Varchar, message.Provider),
                Parameter("provider_message_id", NpgsqlDbType.Varchar, message.ProviderMessageId),
                Parameter("metadata", NpgsqlDbType.Jsonb, message.MetadataJson),
                Parameter("created_at", NpgsqlDbType.TimestampTz, now.ToUniversalTime()))
            .ToListAsync(cancellationToken);
        return sequences.Count == 0 ? null : new AppendedMessage(id, conversationId, sequences[0], message, now);
    }

    /// <summary>
    /// Deletes up to <paramref name="batchSize"/> conversations that expired at or before <paramref name="now"/>, with
    /// their messages and attachments (the foreign keys cascade), and returns their ids. Rows a writer holds are left
    /// for the next batch, so cleanup never waits on appenders nor they on it. Run it as the service role.
    /// </summary>
    public static Task<List<Guid>> DeleteExpiredConversationsAsync(
        this DomainDbContext db, DateTimeOffset now, int batchSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return db.Database.SqlQueryRaw<Guid>(
                DeleteExpiredSql,
                Parameter("now", NpgsqlDbType.TimestampTz, now.ToUniversalTime()),
                Parameter("batch_size", NpgsqlDbType.Integer, batchSize))
            .ToListAsync(cancellationToken);
    }

    private static NpgsqlParameter Parameter(string name, NpgsqlDbType type, object? value)
        => new(name, type) { Value = value ?? DBNull.Value };
}
