using Domain.Conversations;
using Microsoft.EntityFrameworkCore;

namespace Domain.Persistence.Conversations;

/// <summary>
/// The reads of the Conversation aggregate as compiled queries, each by keyset so a deep page costs what the first
/// does. RLS applies as to any query: without a user id they read whatever the caller may see.
/// </summary>
public static class ConversationQueries
{
    /// <summary>Conversations by last activity, newest first; EF caches one SQL text per combination of null parameters.</summary>
    private static readonly CompiledPerModel<Func<DomainDbContext, Guid?, DateTimeOffset?, Guid?, int, IAsyncEnumerable<Conversation>>> Page = new(() =>
        EF.CompileAsyncQuery((DomainDbContext db, Guid? userId, DateTimeOffset? activityAt, Guid? id, int size) =>
            db.Conversations.AsNoTracking()
                .Where(c => userId == null || c.UserId == userId)
                .Where(c => activityAt == null
                    || EF.Functions.LessThan(ValueTuple.Create(c.LastActivityAt, c.Id), ValueTuple.Create(activityAt.Value, id!.Value)))
                .OrderByDescending(c => c.LastActivityAt).ThenByDescending(c => c.Id)
                .Take(size)));

    private static readonly CompiledPerModel<Func<DomainDbContext, Guid, int?, int, IAsyncEnumerable<Message>>> NewestFirst = new(() =>
        EF.CompileAsyncQuery((DomainDbContext db, Guid conversationId, int? before, int size) =>
            db.Messages.AsNoTracking()
                .Where(m => m.ConversationId == conversationId && (before == null || m.Sequence < before))
                .OrderByDescending(m => m.Sequence)
                .Take(size)));

    private static readonly CompiledPerModel<Func<DomainDbContext, Guid, int?, int, IAsyncEnumerable<Message>>> OldestFirst = new(() =>
        EF.CompileAsyncQuery((DomainDbContext db, Guid conversationId, int? after, int size) =>
            db.Messages.AsNoTracking()
                .Where(m => m.ConversationId == conversationId && (after == null || m.Sequence > after))
                .OrderBy(m => m.Sequence)
                .Take(size)));

    private static readonly CompiledPerModel<Func<DomainDbContext, Guid, Task<Conversation?>>> ById = new(() =>
        EF.CompileAsyncQuery((DomainDbContext db, Guid id) => db.Conversations.AsNoTracking().SingleOrDefault(c => c.Id == id)));

    private static readonly CompiledPerModel<Func<DomainDbContext, string, Task<Conversation?>>> ByContinuationId = new(() =>
        EF.CompileAsyncQuery((DomainDbContext db, string continuationId) =>
            db.Conversations.AsNoTracking().SingleOrDefault(c => c.ContinuationId == continuationId)));

    /// <summary>The conversation, untracked; null when it does not exist or the caller may not see it.</summary>
    public static Task<Conversation?> FindConversationAsync(this DomainDbContext db, Guid id) => ById.For(db)(db, id);

    /// <summary>
    /// The caller's conversation with <paramref name="continuationId"/>, untracked; continuation ids are unique per
    /// user, and RLS shows a user only their own (an admin or the service role would see several: use it as a user).
    /// </summary>
    public static Task<Conversation?> FindConversationByContinuationIdAsync(this DomainDbContext db, string continuationId)
        => ByContinuationId.For(db)(db, continuationId);

    /// <summary>
    /// One page of conversations by last activity, newest first: <paramref name="userId"/>'s, or every one the caller
    /// may see when it is null; <paramref name="after"/> is the (last activity, id) of the previous page's last one.
    /// </summary>
    public static Task<List<Conversation>> ConversationPageAsync(
        this DomainDbContext db, Guid? userId, int size, (DateTimeOffset LastActivityAt, Guid Id)? after = null, CancellationToken cancellationToken = default)
        => ToListAsync(Page.For(db)(db, userId, after?.LastActivityAt, after?.Id, size), size, cancellationToken);

    /// <summary>
    /// One page of a conversation's messages by sequence: newest first (the page before <paramref name="cursor"/>) or
    /// oldest first (the page after it); no cursor starts at the newest or the oldest.
    /// </summary>
    public static Task<List<Message>> MessagePageAsync(
        this DomainDbContext db, Guid conversationId, int size, bool newestFirst, int? cursor = null, CancellationToken cancellationToken = default)
        => ToListAsync(
            newestFirst ? NewestFirst.For(db)(db, conversationId, cursor, size) : OldestFirst.For(db)(db, conversationId, cursor, size),
            size,
            cancellationToken);

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> rows, int size, CancellationToken cancellationToken)
    {
        var page = new List<T>(size);
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            page.Add(row);
        }

        return page;
    }
}
