using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Domain.Persistence.Rls;

/// <summary>
/// Makes every command EF sends carry the context's claims. Inside a transaction the claims were set when the
/// transaction started (<see cref="ClaimsTransactionInterceptor"/>); outside one, the claims statement is
/// prepended to the command and its result skipped before EF reads the command's own. SaveChanges outside a
/// transaction and ambient transactions cannot be made safe and throw <see cref="RlsContextException"/> before
/// anything is sent.
/// </summary>
public sealed class ClaimsCommandInterceptor : DbCommandInterceptor
{
    private ClaimsCommandInterceptor()
    {
    }

    /// <summary>The shared instance; the interceptor holds no state.</summary>
    public static ClaimsCommandInterceptor Instance { get; } = new();

    /// <summary>
    /// Every command EF sends is a new <see cref="NpgsqlCommand"/>, never the one Npgsql 10.0.3 recycles on the
    /// connection (<c>DbConnection.CreateCommand</c>): when a connection broke while a command was being prepared
    /// automatically, the recycled command kept that state, and a pooled context's next caller failed with a
    /// NullReferenceException, then with protocol errors. The claims travel with these commands, so they are built
    /// here too.
    /// </summary>
    public override InterceptionResult<DbCommand> CommandCreating(CommandCorrelatedEventData eventData, InterceptionResult<DbCommand> result)
        => InterceptionResult<DbCommand>.SuppressWithResult(new NpgsqlCommand { Connection = (NpgsqlConnection)eventData.Connection });

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
        if (RequestContext.IsPrepended(command))
        {
            RequestContext.SkipPrepended(result);
        }

        return result;
    }

    /// <inheritdoc />
    public override async ValueTask<DbDataReader> ReaderExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        if (RequestContext.IsPrepended(command))
        {
            await RequestContext.SkipPrependedAsync(result, cancellationToken);
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
        if (!RequestContext.IsPrepended(command))
        {
            return result;
        }

        using var reader = command.ExecuteReader();
        RequestContext.SkipPrepended(reader);
        return InterceptionResult<object>.SuppressWithResult(reader.Read() ? reader.GetValue(0) : null!);
    }

    /// <inheritdoc cref="ScalarExecuting"/>
    public override async ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        await PrepareAsync(command, eventData, cancellationToken);
        if (!RequestContext.IsPrepended(command))
        {
            return result;
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await RequestContext.SkipPrependedAsync(reader, cancellationToken);
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
            RequestContext.Prepend(command, context.Claims);
        }
        else if (!ReferenceEquals(context.ClaimsTransaction, command.Transaction))
        {
            RequestContext.Apply(command.Connection!, command.Transaction, context.Claims);
            context.ClaimsTransaction = command.Transaction;
        }
    }

    private static async Task PrepareAsync(DbCommand command, CommandEventData eventData, CancellationToken cancellationToken)
    {
        var context = Check(command, eventData);
        if (command.Transaction is null)
        {
            RequestContext.Prepend(command, context.Claims);
        }
        else if (!ReferenceEquals(context.ClaimsTransaction, command.Transaction))
        {
            await RequestContext.ApplyAsync(command.Connection!, command.Transaction, context.Claims, cancellationToken);
            context.ClaimsTransaction = command.Transaction;
        }
    }

    private static DomainDbContext Check(DbCommand command, CommandEventData eventData)
    {
        AmbientTransactionGuard.ThrowIfPresent();
        var context = ContextOf(eventData.Context);

        if (command.Transaction is null && eventData.CommandSource == CommandSource.SaveChanges)
        {
            throw new RlsContextException(
                "SaveChanges ran outside a transaction, where the claims cannot be set without shifting its rows-affected checks. "
                + "Keep Database.AutoTransactionBehavior = Always.");
        }

        return context;
    }
}
