using System.Collections.Concurrent;
using System.Data.Common;
using Domain.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Domain.IntegrationTests.Infrastructure;

/// <summary>
/// Records every command EF executes (with its text as sent, claims included) and every transaction it starts or
/// is handed, for contexts made by <see cref="ContextsFor"/>. Registered after the claims interceptors.
/// </summary>
public sealed class CommandCounter : IDbCommandInterceptor, IDbTransactionInterceptor
{
    private readonly ConcurrentQueue<string> _commands = new();
    private int _transactionsStarted;

    public IReadOnlyList<string> Commands => [.. _commands];

    public int TransactionsStarted => Volatile.Read(ref _transactionsStarted);

    /// <summary>A factory over the application's options for <paramref name="connectionString"/>, with this counter added.</summary>
    public DomainDbContextFactory ContextsFor(string connectionString)
        => new(new DbContextOptionsBuilder<DomainDbContext>().UseDomainDatabase(connectionString).AddInterceptors(this).Options);

    public void Clear()
    {
        _commands.Clear();
        Interlocked.Exchange(ref _transactionsStarted, 0);
    }

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        => Record(command, result);

    public ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(Record(command, result));

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
        => Record(command, result);

    public ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(Record(command, result));

    public InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
        => Record(command, result);

    public ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(Record(command, result));

    public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
        => CountTransaction(result);

    public ValueTask<DbTransaction> TransactionStartedAsync(
        DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(CountTransaction(result));

    public DbTransaction TransactionUsed(DbConnection connection, TransactionEventData eventData, DbTransaction result)
        => CountTransaction(result);

    public ValueTask<DbTransaction> TransactionUsedAsync(
        DbConnection connection, TransactionEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(CountTransaction(result));

    private T Record<T>(DbCommand command, T result)
    {
        _commands.Enqueue(command.CommandText);
        return result;
    }

    private DbTransaction CountTransaction(DbTransaction transaction)
    {
        Interlocked.Increment(ref _transactionsStarted);
        return transaction;
    }
}
