using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace Domain.Persistence.Replicas;

/// <summary>
/// Read-your-writes, the writing side: after a context that may have written commits, asks the primary for its WAL
/// insert position (one more round trip) and records it for the context's caller (<see cref="CallerWritePositions"/>).
/// The position is taken after the commit returned, so it lies at or beyond the end of the commit record: a standby that
/// has replayed it shows the write. Active only for contexts of a factory with a read replica
/// (<see cref="DomainDbContext.WritePositions"/>); otherwise it does nothing.
/// </summary>
/// <remarks>
/// What counts as a write: every committed transaction, and every command outside a transaction that is not a LINQ
/// query (SaveChanges, <c>ExecuteUpdate</c>/<c>ExecuteDelete</c>, raw SQL such as the one-statement appends). Outside a
/// transaction the position of a non-query is taken at once, that of a reader when EF closes the connection after it
/// (a reader holds the connection until then). A position that cannot be read (the connection broke right after the
/// commit) is not recorded: the write stands, and only its read-your-writes is lost. Registered after the claims
/// interceptors; its own query goes straight to Npgsql and carries no claims.
/// </remarks>
public sealed class WritePositionInterceptor : IDbTransactionInterceptor, IDbCommandInterceptor, IDbConnectionInterceptor
{
    private const string InsertPositionSql = "SELECT pg_catalog.pg_current_wal_insert_lsn()";

    private WritePositionInterceptor()
    {
    }

    /// <summary>The shared instance; the interceptor holds no state.</summary>
    public static WritePositionInterceptor Instance { get; } = new();

    /// <inheritdoc />
    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (Tracking(eventData.Context) is { } context)
        {
            Record(context, context.Database.GetDbConnection());
        }
    }

    /// <inheritdoc />
    public async Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (Tracking(eventData.Context) is { } context)
        {
            await RecordAsync(context, context.Database.GetDbConnection());
        }
    }

    /// <inheritdoc />
    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        if (WroteOutsideTransaction(command, eventData) is { } context)
        {
            Record(context, command.Connection!);
        }

        return result;
    }

    /// <inheritdoc />
    public async ValueTask<int> NonQueryExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (WroteOutsideTransaction(command, eventData) is { } context)
        {
            await RecordAsync(context, command.Connection!);
        }

        return result;
    }

    /// <inheritdoc />
    public DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        MarkPending(command, eventData);
        return result;
    }

    /// <inheritdoc />
    public ValueTask<DbDataReader> ReaderExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        MarkPending(command, eventData);
        return ValueTask.FromResult(result);
    }

    /// <inheritdoc />
    public object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        if (WroteOutsideTransaction(command, eventData) is { } context)
        {
            Record(context, command.Connection!);
        }

        return result;
    }

    /// <inheritdoc />
    public async ValueTask<object?> ScalarExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        if (WroteOutsideTransaction(command, eventData) is { } context)
        {
            await RecordAsync(context, command.Connection!);
        }

        return result;
    }

    /// <inheritdoc />
    public InterceptionResult ConnectionClosing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        if (Tracking(eventData.Context) is { WritePositionPending: true } context)
        {
            Record(context, connection);
        }

        return result;
    }

    /// <inheritdoc />
    public async ValueTask<InterceptionResult> ConnectionClosingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        if (Tracking(eventData.Context) is { WritePositionPending: true } context)
        {
            await RecordAsync(context, connection);
        }

        return result;
    }

    private static DomainDbContext? Tracking(DbContext? context)
        => context is DomainDbContext { WritePositions: not null } domain ? domain : null;

    private static DomainDbContext? WroteOutsideTransaction(DbCommand command, CommandEventData eventData)
        => command.Transaction is null && eventData.CommandSource != CommandSource.LinqQuery ? Tracking(eventData.Context) : null;

    private static void MarkPending(DbCommand command, CommandEventData eventData)
    {
        if (WroteOutsideTransaction(command, eventData) is { } context)
        {
            context.WritePositionPending = true;
        }
    }

    private static void Record(DomainDbContext context, DbConnection connection)
    {
        context.WritePositionPending = false;
        if (connection.State != ConnectionState.Open)
        {
            return;
        }

        try
        {
            using var command = new NpgsqlCommand(InsertPositionSql, (NpgsqlConnection)connection);
            var position = (NpgsqlLogSequenceNumber)command.ExecuteScalar()!;
            context.WritePositions!.Wrote(context.Claims, position);
        }
        catch (NpgsqlException)
        {
            // The write committed; only its read-your-writes is lost (see remarks). Throwing here would report a
            // committed write as failed.
        }
    }

    private static async Task RecordAsync(DomainDbContext context, DbConnection connection)
    {
        context.WritePositionPending = false;
        if (connection.State != ConnectionState.Open)
        {
            return;
        }

        try
        {
            // Not the caller's cancellation token: the write has committed, and cancelling now would report it as failed.
            await using var command = new NpgsqlCommand(InsertPositionSql, (NpgsqlConnection)connection);
            var position = (NpgsqlLogSequenceNumber)(await command.ExecuteScalarAsync(CancellationToken.None))!;
            context.WritePositions!.Wrote(context.Claims, position);
        }
        catch (NpgsqlException)
        {
            // As in Record.
        }
    }
}
