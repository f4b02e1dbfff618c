using FluentValidation;

namespace Domain.Application.Auditing;

/// <summary>A table name as PostgreSQL spells an unquoted one: what the audit trail records.</summary>
internal static class AuditRules
{
    public const string TablePattern = "^[a-z_][a-z0-9_]{0,62}$";
}

public sealed class RowHistoryRequestValidator : AbstractValidator<RowHistoryRequest>
{
    public RowHistoryRequestValidator()
    {
        RuleFor(r => r.Table).NotEmpty().Matches(AuditRules.TablePattern);
        RuleFor(r => r.RowId).NotEqual(Guid.Empty);
        RuleFor(r => r.PageSize).InclusiveBetween(1, RowHistoryRequest.MaxPageSize);
        RuleFor(r => r.Before).GreaterThan(0);
    }
}

public sealed class ListAuditEntriesRequestValidator : AbstractValidator<ListAuditEntriesRequest>
{
    public ListAuditEntriesRequestValidator()
    {
        RuleFor(r => r.PageSize).InclusiveBetween(1, ListAuditEntriesRequest.MaxPageSize);
        RuleFor(r => r.Before).GreaterThan(0);
        RuleFor(r => r.OwnerId).NotEqual(Guid.Empty);
        RuleFor(r => r.Table).Matches(AuditRules.TablePattern);
    }
}
