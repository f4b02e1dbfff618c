using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Domain.Api;

/// <summary>
/// The conversation routes, mapped so that clients and the OpenAPI document see them, answering 501 until the
/// application layer has a ConversationStore. Then each becomes a call to the store with the request's Caller, as
/// <see cref="SessionRoutes"/> does.
/// </summary>
internal static class ConversationRoutes
{
    private const string Missing = "Conversation messages need the application layer's ConversationStore, which is not there yet.";

    public static RouteGroupBuilder MapConversationRoutes(this IEndpointRouteBuilder endpoints)
    {
        var conversations = endpoints.MapGroup("/conversations").WithTags("Conversations").RequireAuthorization();
        conversations.MapGet("/{id:guid}/messages", (Guid id) => NotYet()).WithName("ListMessages").WithSummary("Not implemented yet (501)");
        conversations.MapPost("/{id:guid}/messages", (Guid id) => NotYet()).WithName("AddMessage").WithSummary("Not implemented yet (501)");
        return conversations;
    }

    private static ProblemHttpResult NotYet()
        => TypedResults.Problem(new ProblemDetails { Status = StatusCodes.Status501NotImplemented, Title = "Not implemented", Detail = Missing });
}
