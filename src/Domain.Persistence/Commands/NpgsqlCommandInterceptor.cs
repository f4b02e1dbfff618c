using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Domain.Persistence.Commands;

/// <summary>
/// Works around two defects of Npgsql 10.0.3 with automatic preparation, for every command EF sends:
/// <list type="bullet">
/// <item>Each command is a new <see cref="NpgsqlCommand"/>, never the one Npgsql recycles on the connection
/// (<c>DbConnection.CreateCommand</c>): when a connection broke while a command was being prepared automatically, the
/// recycled command kept that state, and the context's next caller failed with a NullReferenceException, then with
/// protocol errors.</item>
/// <item>After a command fails with an error from PostgreSQL, its statements are unprepared (<see cref="FailedPreparation"/>),
/// so a statement whose preparing execution failed cannot make a later execution misreport.</item>
/// </list>
/// Registered before the other interceptors, so it sees a failure before any of them turns it into another exception.
/// </summary>
public sealed class NpgsqlCommandInterceptor : DbCommandInterceptor
{
    private NpgsqlCommandInterceptor()
    {
    }

    /// <summary>The shared instance; the interceptor holds no state.</summary>
    public static NpgsqlCommandInterceptor Instance { get; } = new();

    /// <inheritdoc />
    public override InterceptionResult<DbCommand> CommandCreating(CommandCorrelatedEventData eventData, InterceptionResult<DbCommand> result)
        => InterceptionResult<DbCommand>.SuppressWithResult(new NpgsqlCommand { Connection = (NpgsqlConnection)eventData.Connection });

    /// <inheritdoc />
    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData)
    {
        if (eventData.Exception is PostgresException && command is NpgsqlCommand npgsql)
        {
            FailedPreparation.Forget(npgsql);
        }
    }

    /// <inheritdoc />
    public override async Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Exception is PostgresException && command is NpgsqlCommand npgsql)
        {
            await FailedPreparation.ForgetAsync(npgsql, cancellationToken);
        }
    }
}
