using Domain.Application.Common;
using Domain.Conversations;
using Domain.Persistence;
using Domain.Persistence.Conversations;
using Domain.Persistence.Errors;
using Domain.Sessions;
using FluentValidation;
using Mapster;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Domain.Application.Conversations;

/// <summary>
/// Use cases of the Conversation aggregate (seed 004's <c>SupabaseConversationManager</c>, seed 001's chat history),
/// each acting for one caller through <see cref="RequestPipeline"/>: the request is validated before the database is
/// touched, and RLS decides what the caller reaches; the reads (<c>Get…</c>, <c>Find…</c>, <c>List…</c>) on a read-only
/// context, which reads from the read replica when one is configured. A conversation the caller may not see is "not found".
/// </summary>
public sealed class ConversationStore(RequestPipeline pipeline, TimeProvider clock, TypeAdapterConfig mapping, IOptions<ConversationOptions> options)
{
    private TimeSpan? TimeToLive => options.Value.TimeToLive;

    /// <summary>
    /// Starts a conversation, or returns the caller's existing one with the request's continuation id. Safe under
    /// concurrency: the database keeps one conversation per user and continuation id, and a caller that loses the race
    /// to create it gets the winner's. An existing conversation is returned as it is.
    /// </summary>
    public Task<ConversationDto> StoreAsync(Caller caller, StoreConversationRequest request, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, request, async (context, r, ct) =>
        {
            var userId = RequireUser(caller);
            if (r.ContinuationId is { } continuation && await context.FindConversationByContinuationIdAsync(continuation) is { } existing)
            {
                return existing.Adapt<ConversationDto>(mapping);
            }

            var conversation = Conversation.Create(
                userId,
                new ConversationStart(r.Title, r.SessionId, r.ContinuationId, r.ToolName, r.Provider, r.Context, r.Metadata, TimeToLive),
                clock.GetUtcNow());
            context.Conversations.Add(conversation);
            try
            {
                await context.SaveChangesAsync(ct);
            }
            catch (UniqueViolationException ex) when (ex.ConstraintName == ConversationIndexes.ContinuationId)
            {
                // Another request with the same continuation id committed first: continue theirs.
                context.ChangeTracker.Clear();
                var winner = await context.FindConversationByContinuationIdAsync(r.ContinuationId!)
                    ?? throw new InvalidOperationException($"Conversation '{r.ContinuationId}' was created concurrently but cannot be read.", ex);
                return winner.Adapt<ConversationDto>(mapping);
            }
            catch (ReferenceViolationException ex) when (r.SessionId is { } sessionId)
            {
                throw new NotFoundException(nameof(Session), sessionId, ex);
            }

            return conversation.Adapt<ConversationDto>(mapping);
        }, cancellationToken);

    /// <summary>The conversation; null when it does not exist or the caller may not see it.</summary>
    public Task<ConversationDto?> GetAsync(Caller caller, Guid conversationId, CancellationToken cancellationToken = default)
        => pipeline.ReadAsync(caller, async (context, _) => (await context.FindConversationAsync(conversationId))?.Adapt<ConversationDto>(mapping), cancellationToken);

    /// <summary>The caller's conversation with <paramref name="continuationId"/> (seed 004's <c>retrieve_conversation</c>); null when there is none.</summary>
    public Task<ConversationDto?> FindByContinuationIdAsync(Caller caller, string continuationId, CancellationToken cancellationToken = default)
        => pipeline.ReadAsync(caller, async (context, _) =>
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(continuationId);
            RequireUser(caller);
            return (await context.FindConversationByContinuationIdAsync(continuationId))?.Adapt<ConversationDto>(mapping);
        }, cancellationToken);

    /// <summary>
    /// One page of conversations by last activity, newest first (pass <see cref="ListConversationsRequest.NextPage"/>
    /// for the next). A user pages through their own; admins and the service role through every one RLS shows them.
    /// </summary>
    public Task<IReadOnlyList<ConversationDto>> ListAsync(Caller caller, ListConversationsRequest request, CancellationToken cancellationToken = default)
        => pipeline.ReadAsync(caller, request, async (context, r, ct) =>
        {
            var page = await context.ConversationPageAsync(caller.UserId, r.PageSize, r.After is { } after ? (after.LastActivityAt, after.Id) : null, ct);
            return (IReadOnlyList<ConversationDto>)page.Adapt<List<ConversationDto>>(mapping);
        }, cancellationToken);

    /// <summary>
    /// Appends a message in one statement and one round trip; an expiring conversation's expiry moves to at least
    /// <see cref="ConversationOptions.TimeToLive"/> from now. Appending a message whose provider id the conversation
    /// already holds returns the stored one (a retry never stores a message twice). When nothing was written the
    /// conversation is loaded to say why: not found, archived (the domain's error), or another user's
    /// (<see cref="RlsViolationException"/>, for an admin who may read it).
    /// </summary>
    public Task<MessageDto> AppendMessageAsync(Caller caller, Guid conversationId, AppendMessageRequest request, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, request, async (context, r, ct) =>
        {
            var now = clock.GetUtcNow();
            var content = ContentOf(r);
            AppendedMessage? appended;
            try
            {
                appended = await context.AppendMessageAsync(conversationId, content, now, TimeToLive, ct);
            }
            catch (UniqueViolationException ex) when (ex.ConstraintName == ConversationIndexes.ProviderMessageId)
            {
                var stored = await context.Messages.AsNoTracking().SingleAsync(
                    m => m.ConversationId == conversationId && m.Provider == content.Provider && m.ProviderMessageId == content.ProviderMessageId, ct);
                return stored.Adapt<MessageDto>(mapping);
            }

            if (appended is not null)
            {
                return appended.Adapt<MessageDto>(mapping);
            }

            var conversation = await FindAsync(context, conversationId, tracked: false, ct);
            conversation.AddMessage(content, now, TimeToLive);
            if (caller.UserId is { } userId && conversation.UserId != userId)
            {
                throw new RlsViolationException(
                    $"Conversation {conversationId} belongs to another user; only its owner may add a message. Nothing was saved.");
            }

            throw new ConcurrencyConflictException($"Conversation {conversationId} changed while the message was being added; nothing was saved. Retry.");
        }, cancellationToken);

    /// <summary>Appends several messages in order in one transaction: all of them, or none and an exception.</summary>
    public Task<IReadOnlyList<MessageDto>> AppendMessagesAsync(
        Caller caller, Guid conversationId, AppendMessagesRequest request, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, request, async (context, r, ct) =>
        {
            var conversation = await FindAsync(context, conversationId, tracked: true, ct);
            var now = clock.GetUtcNow();
            var added = r.Messages.Select(m => conversation.AddMessage(ContentOf(m), now, TimeToLive)).ToList();
            await context.SaveChangesAsync(ct);
            return (IReadOnlyList<MessageDto>)added.Adapt<List<MessageDto>>(mapping);
        }, cancellationToken);

    /// <summary>
    /// One page of the conversation's messages by sequence, newest or oldest first (seed 001's chat history). An
    /// empty first page of a conversation the caller may not see is <see cref="NotFoundException"/>.
    /// </summary>
    public Task<IReadOnlyList<MessageDto>> GetMessagesAsync(
        Caller caller, Guid conversationId, MessageHistoryRequest request, CancellationToken cancellationToken = default)
        => pipeline.ReadAsync(caller, request, async (context, r, ct) =>
        {
            var page = await context.MessagePageAsync(conversationId, r.PageSize, r.NewestFirst, r.Cursor, ct);
            if (page.Count == 0 && r.Cursor is null && await context.FindConversationAsync(conversationId) is null)
            {
                throw new NotFoundException(nameof(Conversation), conversationId);
            }

            return (IReadOnlyList<MessageDto>)page.Adapt<List<MessageDto>>(mapping);
        }, cancellationToken);

    public Task<ConversationDto> RenameAsync(Caller caller, Guid conversationId, RenameConversationRequest request, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, request, (context, r, ct) => ChangeAsync(context, conversationId, c => c.Retitle(r.Title), ct), cancellationToken);

    public Task<ConversationDto> ReplaceContextAsync(
        Caller caller, Guid conversationId, ReplaceConversationContextRequest request, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, request, (context, r, ct) => ChangeAsync(context, conversationId, c => c.ReplaceContext(r.Context), ct), cancellationToken);

    public Task<ConversationDto> ArchiveAsync(Caller caller, Guid conversationId, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, (context, ct) => ChangeAsync(context, conversationId, c => c.Archive(clock.GetUtcNow()), ct), cancellationToken);

    /// <summary>Deletes the conversation with its messages and attachments; false when the caller has no such conversation.</summary>
    public Task<bool> DeleteAsync(Caller caller, Guid conversationId, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, async (context, ct) => !caller.IsAnonymous && await context.Conversations.Where(c => c.Id == conversationId).ExecuteDeleteAsync(ct) == 1, cancellationToken);

    /// <summary>Archives the given conversations that are open and the caller's, in one statement; returns how many.</summary>
    public Task<int> ArchiveManyAsync(Caller caller, ConversationIdsRequest request, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, request, (context, r, ct) =>
        {
            if (caller.IsAnonymous)
            {
                // anon holds no write grant, so PostgreSQL would refuse the statement; anon owns nothing to change.
                return Task.FromResult(0);
            }

            var now = clock.GetUtcNow();
            return context.Conversations.Where(c => r.Ids.Contains(c.Id) && c.ArchivedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.ArchivedAt, now), ct);
        }, cancellationToken);

    /// <summary>Deletes the given conversations that are the caller's, with their messages, in one statement; returns how many.</summary>
    public Task<int> DeleteManyAsync(Caller caller, ConversationIdsRequest request, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, request, (context, r, ct) => caller.IsAnonymous ? Task.FromResult(0) : context.Conversations.Where(c => r.Ids.Contains(c.Id)).ExecuteDeleteAsync(ct), cancellationToken);

    private async Task<ConversationDto> ChangeAsync(DomainDbContext context, Guid conversationId, Action<Conversation> change, CancellationToken cancellationToken)
    {
        var conversation = await FindAsync(context, conversationId, tracked: true, cancellationToken);
        change(conversation);
        await context.SaveChangesAsync(cancellationToken);
        return conversation.Adapt<ConversationDto>(mapping);
    }

    private static async Task<Conversation> FindAsync(DomainDbContext context, Guid conversationId, bool tracked, CancellationToken cancellationToken)
    {
        var conversations = tracked ? context.Conversations : context.Conversations.AsNoTracking();
        return await conversations.SingleOrDefaultAsync(c => c.Id == conversationId, cancellationToken)
            ?? throw new NotFoundException(nameof(Conversation), conversationId);
    }

    private static MessageContent ContentOf(AppendMessageRequest request)
        => new(request.Role, request.Content, request.PromptTokens, request.CompletionTokens, null, request.Provider, request.ProviderMessageId, request.Metadata);

    private static Guid RequireUser(Caller caller)
        => caller.UserId ?? throw new ValidationException($"Only a signed-in user can own a conversation; the caller is {caller}.");
}
