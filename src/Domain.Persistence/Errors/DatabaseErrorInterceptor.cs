using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Domain.Persistence.Errors;

/// <summary>
/// Turns a database refusal of a command EF sends outside SaveChanges (queries, <c>ExecuteUpdate</c>,
/// <c>ExecuteDelete</c>, raw SQL) into the layer's exception types, as <see cref="DomainDbContext"/> does for
/// SaveChanges: an RLS or grant refusal is an <see cref="RlsViolationException"/>, a duplicate a
/// <see cref="UniqueViolationException"/>, and so on (<see cref="DatabaseErrorTranslator"/>). Errors it does not know
/// pass unchanged. Registered last, so the other interceptors see the original failure first.
/// </summary>
public sealed class DatabaseErrorInterceptor : DbCommandInterceptor
{
    private DatabaseErrorInterceptor()
    {
    }

    /// <summary>The shared instance; the interceptor holds no state.</summary>
    public static DatabaseErrorInterceptor Instance { get; } = new();

    /// <inheritdoc />
    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => ThrowTranslated(eventData);

    /// <inheritdoc />
    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        ThrowTranslated(eventData);
        return Task.CompletedTask;
    }

    private static void ThrowTranslated(CommandErrorEventData eventData)
    {
        // SaveChanges wraps failures in DbUpdateException and DomainDbContext translates them with the entries in hand.
        if (eventData.CommandSource != CommandSource.SaveChanges && DatabaseErrorTranslator.Translate(eventData.Exception) is { } translated)
        {
            throw translated;
        }
    }
}
