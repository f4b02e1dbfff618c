using Domain.Auditing;

namespace Domain.Application.Auditing;

/// <summary>One audit entry as callers see it; the values are JSON objects of the changed columns.</summary>
public sealed record AuditEntryDto(
    long Id,
    DateTimeOffset OccurredAt,
    long TransactionId,
    string TableName,
    AuditOperation Operation,
    Guid? RowId,
    Guid? OwnerId,
    Guid? ActorId,
    string ActorRole,
    string DatabaseRole,
    string? OldValues,
    string? NewValues);

/// <summary>
/// Input to read one row's history, newest first: the audited table (as in <c>public</c>, for example <c>sessions</c>)
/// and the row's id; <paramref name="Before"/> is the id of the last entry of the previous page.
/// </summary>
public sealed record RowHistoryRequest(string Table, Guid RowId, int PageSize = RowHistoryRequest.DefaultPageSize, long? Before = null)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;
}

/// <summary>
/// Input to read audit entries newest first: those the caller may see (a user: about their own rows), optionally only
/// about <paramref name="OwnerId"/>'s rows or one table.
/// </summary>
public sealed record ListAuditEntriesRequest(
    int PageSize = ListAuditEntriesRequest.DefaultPageSize, long? Before = null, Guid? OwnerId = null, string? Table = null)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;
}
