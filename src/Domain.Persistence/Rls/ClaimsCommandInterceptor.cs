using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Domain.Persistence.Rls;

/// <summary>
/// Makes every command EF sends carry the context's claims. Inside a transaction the claims were set when the
/// transaction started (<see cref="ClaimsTransactionInterceptor"/>); outside one, the claims statement is
/// prepended to the command and its result skipped before EF reads the command's own. What cannot be made safe
/// throws <see cref="RlsContextException"/> before anything is sent: SaveChanges outside a transaction, ambient
/// transactions, a transaction that carries another caller's claims, and parameters named like the statement's.
/// </summary>
public sealed class ClaimsCommandInterceptor : DbCommandInterceptor
{
    private ClaimsCommandInterceptor()
    {
    }

    /// <summary>The shared instance; the interceptor holds no state.</summary>
    public static ClaimsCommandInterceptor Instance { get; } = new();

    /// <inheritdoc />
    public override InterceptionResult<DbDataReader> ReaderExecuting(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Prepare(command, eventData);
        return result;
    }

    /// <inheritdoc />
    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        await PrepareAsync(command, eventData, cancellationToken);
        return result;
    }

    /// <inheritdoc />
    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Prepare(command, eventData);
        return result;
    }

    /// <inheritdoc />
    public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await PrepareAsync(command, eventData, cancellationToken);
        return result;
    }

    /// <inheritdoc />
    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        if (ClaimsStatement.IsPrepended(command))
        {
            ClaimsStatement.SkipPrepended(result);
        }

        return result;
    }

    /// <inheritdoc />
    public override async ValueTask<DbDataReader> ReaderExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        if (ClaimsStatement.IsPrepended(command))
        {
            await ClaimsStatement.SkipPrependedAsync(result, cancellationToken);
        }

        return result;
    }

    /// <summary>
    /// A scalar outside a transaction would be the claims statement's first value, so the command runs here as a
    /// reader instead and EF gets the first value of the command's own result.
    /// </summary>
    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Prepare(command, eventData);
        if (!ClaimsStatement.IsPrepended(command))
        {
            return result;
        }

        using var reader = command.ExecuteReader();
        ClaimsStatement.SkipPrepended(reader);
        return InterceptionResult<object>.SuppressWithResult(reader.Read() ? reader.GetValue(0) : null!);
    }

    /// <inheritdoc cref="ScalarExecuting"/>
    public override async ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        await PrepareAsync(command, eventData, cancellationToken);
        if (!ClaimsStatement.IsPrepended(command))
        {
            return result;
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await ClaimsStatement.SkipPrependedAsync(reader, cancellationToken);
        return InterceptionResult<object>.SuppressWithResult(await reader.ReadAsync(cancellationToken) ? reader.GetValue(0) : null!);
    }

    internal static DomainDbContext ContextOf(DbContext? context)
    {
        return context as DomainDbContext
            ?? throw new RlsContextException(
                $"The claims interceptors only serve {nameof(DomainDbContext)}; got {context?.GetType().Name ?? "no context"}.");
    }

    private static void Prepare(DbCommand command, CommandEventData eventData)
    {
        var context = Check(command, eventData);
        if (command.Transaction is null)
        {
            TransactionClaims.ThrowIfInsideAnothersTransaction(command.Connection!, context);
            ClaimsStatement.Prepend(command, context.Claims, context.IsReadOnly);
        }
        else if (TransactionClaims.NeedsClaims(command.Transaction, context))
        {
            ClaimsStatement.Apply(command.Connection!, command.Transaction, context.Claims, context.IsReadOnly);
            TransactionClaims.Claimed(command.Transaction, context);
        }
    }

    private static async Task PrepareAsync(DbCommand command, CommandEventData eventData, CancellationToken cancellationToken)
    {
        var context = Check(command, eventData);
        if (command.Transaction is null)
        {
            TransactionClaims.ThrowIfInsideAnothersTransaction(command.Connection!, context);
            ClaimsStatement.Prepend(command, context.Claims, context.IsReadOnly);
        }
        else if (TransactionClaims.NeedsClaims(command.Transaction, context))
        {
            await ClaimsStatement.ApplyAsync(command.Connection!, command.Transaction, context.Claims, context.IsReadOnly, cancellationToken);
            TransactionClaims.Claimed(command.Transaction, context);
        }
    }

    private static DomainDbContext Check(DbCommand command, CommandEventData eventData)
    {
        AmbientTransactionGuard.ThrowIfPresent();
        var context = ContextOf(eventData.Context);
        ClaimsStatement.ThrowIfReservedParameters(command);

        if (command.Transaction is null && eventData.CommandSource == CommandSource.SaveChanges)
        {
            throw new RlsContextException(
                "SaveChanges ran outside a transaction, where the claims cannot be set without shifting its rows-affected checks. "
                + "Keep Database.AutoTransactionBehavior = Always.");
        }

        return context;
    }
}
