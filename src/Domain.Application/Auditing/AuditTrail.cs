using Domain.Application.Common;
using Mapster;
using Microsoft.EntityFrameworkCore;

namespace Domain.Application.Auditing;

/// <summary>
/// Reads the audit trail the database writes (see <c>IsAudited</c>): one row's history, or the entries the caller may
/// see. Row-level security decides: a user reads the entries about their own rows, admins and the backend read all.
/// Nothing here writes; nobody can.
/// </summary>
public sealed class AuditTrail(RequestPipeline pipeline, TypeAdapterConfig mapping)
{
    /// <summary>What happened to one row, newest first: who changed which columns from what to what.</summary>
    public Task<IReadOnlyList<AuditEntryDto>> HistoryAsync(Caller caller, RowHistoryRequest request, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, request, async (context, r, ct) =>
        {
            var entries = context.AuditLogs.AsNoTracking().Where(a => a.TableName == r.Table && a.RowId == r.RowId);
            if (r.Before is { } before)
            {
                entries = entries.Where(a => a.Id < before);
            }

            var page = await entries.OrderByDescending(a => a.Id).Take(r.PageSize).ToListAsync(ct);
            return (IReadOnlyList<AuditEntryDto>)page.Adapt<List<AuditEntryDto>>(mapping);
        }, cancellationToken);

    /// <summary>The entries the caller may see, newest first, optionally about one owner's rows or one table.</summary>
    public Task<IReadOnlyList<AuditEntryDto>> ListAsync(Caller caller, ListAuditEntriesRequest request, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, request, async (context, r, ct) =>
        {
            var entries = context.AuditLogs.AsNoTracking();
            if (r.OwnerId is { } owner)
            {
                entries = entries.Where(a => a.OwnerId == owner);
            }

            if (r.Table is { } table)
            {
                entries = entries.Where(a => a.TableName == table);
            }

            if (r.Before is { } before)
            {
                entries = entries.Where(a => a.Id < before);
            }

            var page = await entries.OrderByDescending(a => a.Id).Take(r.PageSize).ToListAsync(ct);
            return (IReadOnlyList<AuditEntryDto>)page.Adapt<List<AuditEntryDto>>(mapping);
        }, cancellationToken);
}
