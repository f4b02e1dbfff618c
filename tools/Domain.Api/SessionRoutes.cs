using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Domain.Application.Common;
using Domain.Application.Sessions;
using Domain.Sessions;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Domain.Api;

/// <summary>A page of sessions and the cursor of the next one (null on the last page).</summary>
public sealed record SessionPage(IReadOnlyList<SessionDto> Items, string? Next);

/// <summary>The session routes: each acts for the request's caller through <see cref="SessionStore"/>.</summary>
internal static class SessionRoutes
{
    public static RouteGroupBuilder MapSessionRoutes(this IEndpointRouteBuilder endpoints)
    {
        var sessions = endpoints.MapGroup("/sessions").WithTags("Sessions").RequireAuthorization();
        sessions.MapGet("/", ListAsync).WithName("ListSessions").WithSummary("The caller's sessions, newest first, a page at a time (keyset)");
        sessions.MapPost("/", CreateAsync).WithName("CreateSession").WithSummary("Starts a session owned by the caller");
        sessions.MapGet("/{id:guid}", GetAsync).WithName("GetSession").WithSummary("A session with its revisions, drafts and hole resolutions");
        sessions.MapPost("/{id:guid}/revisions", AddRevisionAsync).WithName("AddRevision").WithSummary("Appends a revision of the session's IR");
        return sessions;
    }

    private static async Task<Ok<SessionPage>> ListAsync(
        SessionStore store, Caller caller, int? pageSize, string? after, CancellationToken cancellationToken)
    {
        var size = pageSize ?? ListSessionsRequest.DefaultPageSize;
        var items = await store.ListAsync(caller, new ListSessionsRequest(size, after is null ? null : PageCursor.Decode(after)), cancellationToken);
        return TypedResults.Ok(new SessionPage(items, items.Count == size ? PageCursor.Encode(items[^1]) : null));
    }

    private static async Task<Created<SessionDto>> CreateAsync(SessionStore store, Caller caller, CreateSessionRequest request, CancellationToken cancellationToken)
    {
        var session = await store.CreateAsync(caller, request, cancellationToken);
        return TypedResults.Created($"/sessions/{session.Id}", session);
    }

    private static async Task<Ok<SessionDetailsDto>> GetAsync(SessionStore store, Caller caller, Guid id, CancellationToken cancellationToken)
        => TypedResults.Ok(await store.GetAsync(caller, id, cancellationToken) ?? throw new NotFoundException(nameof(Session), id));

    private static async Task<Created<SessionRevisionDto>> AddRevisionAsync(
        SessionStore store, Caller caller, Guid id, AddRevisionRequest request, CancellationToken cancellationToken)
    {
        var revision = await store.AddRevisionAsync(caller, id, request, cancellationToken);
        return TypedResults.Created($"/sessions/{id}", revision);
    }

    /// <summary>The keyset cursor as one opaque query value: the last session's creation time (ticks) and id, base64url.</summary>
    private static class PageCursor
    {
        public static string Encode(SessionDto last)
            => Base64Url.EncodeToString(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{last.CreatedAt.UtcTicks}.{last.Id:N}")));

        public static SessionCursor Decode(string cursor)
        {
            try
            {
                var parts = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(cursor)).Split('.');
                if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                    && ticks is >= 0 and <= 3155378975999999999 && Guid.TryParseExact(parts[1], "N", out var id))
                {
                    return new SessionCursor(new DateTimeOffset(ticks, TimeSpan.Zero), id);
                }
            }
            catch (FormatException)
            {
            }

            throw new ValidationException([new ValidationFailure("after", "'after' is not a cursor this API returned.")]);
        }
    }
}
