using Domain.Application.Common;
using Domain.Application.Conversations;
using Domain.Conversations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Domain.Api;

/// <summary>A page of a conversation's messages and the cursor of the next one (null on the last page).</summary>
public sealed record MessagePage(IReadOnlyList<MessageDto> Items, int? Next);

/// <summary>The conversation routes: each acts for the request's caller through <see cref="ConversationStore"/>.</summary>
internal static class ConversationRoutes
{
    public static RouteGroupBuilder MapConversationRoutes(this IEndpointRouteBuilder endpoints)
    {
        var conversations = endpoints.MapGroup("/conversations").WithTags("Conversations").RequireAuthorization();
        conversations.MapPost("/", StoreAsync).WithName("StoreConversation")
            .WithSummary("Starts a conversation owned by the caller, or continues the caller's one with the same continuation id");
        conversations.MapGet("/{id:guid}", GetAsync).WithName("GetConversation").WithSummary("A conversation without its messages");
        conversations.MapGet("/{id:guid}/messages", ListMessagesAsync).WithName("ListMessages")
            .WithSummary("The conversation's messages by sequence, newest first unless oldestFirst=true, a page at a time");
        conversations.MapPost("/{id:guid}/messages", AppendMessageAsync).WithName("AppendMessage")
            .WithSummary("Appends a message; a message whose provider id the conversation holds is returned, not stored twice");
        return conversations;
    }

    private static async Task<Created<ConversationDto>> StoreAsync(
        ConversationStore store, Caller caller, StoreConversationRequest request, CancellationToken cancellationToken)
    {
        var conversation = await store.StoreAsync(caller, request, cancellationToken);
        return TypedResults.Created($"/conversations/{conversation.Id}", conversation);
    }

    private static async Task<Ok<ConversationDto>> GetAsync(ConversationStore store, Caller caller, Guid id, CancellationToken cancellationToken)
        => TypedResults.Ok(await store.GetAsync(caller, id, cancellationToken) ?? throw new NotFoundException(nameof(Conversation), id));

    private static async Task<Ok<MessagePage>> ListMessagesAsync(
        ConversationStore store, Caller caller, Guid id, int? pageSize, int? after, bool? oldestFirst, CancellationToken cancellationToken)
    {
        var size = pageSize ?? MessageHistoryRequest.DefaultPageSize;
        var items = await store.GetMessagesAsync(caller, id, new MessageHistoryRequest(size, after, NewestFirst: oldestFirst != true), cancellationToken);
        return TypedResults.Ok(new MessagePage(items, items.Count == size ? items[^1].Sequence : null));
    }

    private static async Task<Created<MessageDto>> AppendMessageAsync(
        ConversationStore store, Caller caller, Guid id, AppendMessageRequest request, CancellationToken cancellationToken)
    {
        var message = await store.AppendMessageAsync(caller, id, request, cancellationToken);
        return TypedResults.Created($"/conversations/{id}/messages", message);
    }
}
