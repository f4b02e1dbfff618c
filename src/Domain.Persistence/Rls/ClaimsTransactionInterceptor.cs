using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Domain.Persistence.Rls;

/// <summary>
/// Sets the request context once when a transaction starts (or an external one is handed to EF), so that
/// every statement of the transaction, SaveChanges batches included, runs with the context's claims.
/// Stateless: the claims come from the <see cref="DomainDbContext"/> that owns the transaction.
/// </summary>
public sealed class ClaimsTransactionInterceptor : DbTransactionInterceptor
{
    private ClaimsTransactionInterceptor()
    {
    }

    /// <summary>The shared instance; the interceptor holds no state.</summary>
    public static ClaimsTransactionInterceptor Instance { get; } = new();

    /// <inheritdoc />
    public override InterceptionResult<DbTransaction> TransactionStarting(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        AmbientTransactionGuard.ThrowIfPresent();
        return result;
    }

    /// <inheritdoc />
    public override ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result,
        CancellationToken cancellationToken = default)
    {
        AmbientTransactionGuard.ThrowIfPresent();
        return ValueTask.FromResult(result);
    }

    /// <inheritdoc />
    public override DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        var context = ClaimsCommandInterceptor.ContextOf(eventData.Context);
        ClaimsStatement.Apply(connection, result, context.Claims, context.IsReadOnly);
        TransactionClaims.Claimed(result, context);
        return result;
    }

    /// <inheritdoc />
    public override async ValueTask<DbTransaction> TransactionStartedAsync(
        DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        var context = ClaimsCommandInterceptor.ContextOf(eventData.Context);
        await ClaimsStatement.ApplyAsync(connection, result, context.Claims, context.IsReadOnly, cancellationToken);
        TransactionClaims.Claimed(result, context);
        return result;
    }

    /// <summary>
    /// A transaction handed to EF: the claims are set on it unless this context set them already; a transaction that
    /// carries another caller's claims is refused (<see cref="TransactionClaims"/>).
    /// </summary>
    public override DbTransaction TransactionUsed(DbConnection connection, TransactionEventData eventData, DbTransaction result)
    {
        var context = ClaimsCommandInterceptor.ContextOf(eventData.Context);
        if (TransactionClaims.NeedsClaims(result, context))
        {
            ClaimsStatement.Apply(connection, result, context.Claims, context.IsReadOnly);
            TransactionClaims.Claimed(result, context);
        }

        return result;
    }

    /// <inheritdoc cref="TransactionUsed"/>
    public override async ValueTask<DbTransaction> TransactionUsedAsync(
        DbConnection connection, TransactionEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        var context = ClaimsCommandInterceptor.ContextOf(eventData.Context);
        if (TransactionClaims.NeedsClaims(result, context))
        {
            await ClaimsStatement.ApplyAsync(connection, result, context.Claims, context.IsReadOnly, cancellationToken);
            TransactionClaims.Claimed(result, context);
        }

        return result;
    }

    /// <inheritdoc />
    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData);

    /// <inheritdoc />
    public override Task TransactionCommittedAsync(
        DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData);

    /// <inheritdoc />
    public override Task TransactionRolledBackAsync(
        DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData);
        return Task.CompletedTask;
    }

    private static void Forget(TransactionEndEventData eventData)
    {
        if (eventData.Context is DomainDbContext context)
        {
            context.ClaimsTransaction = null;
        }
    }
}
