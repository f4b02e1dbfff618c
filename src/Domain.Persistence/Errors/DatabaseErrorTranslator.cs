using Domain.Persistence.EntityConfigurations;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Domain.Persistence.Errors;

/// <summary>The one translation from provider errors to <see cref="DataAccessException"/> types.</summary>
public static class DatabaseErrorTranslator
{
    /// <summary>
    /// The translated exception for <paramref name="exception"/>, or null when it is not a database refusal this
    /// layer knows (it is then rethrown unchanged: nothing is swallowed).
    /// </summary>
    public static DataAccessException? Translate(Exception exception)
    {
        if (exception is DbUpdateConcurrencyException concurrency)
        {
            var names = string.Join(", ", concurrency.Entries.Select(e => e.Metadata.ClrType.Name).Distinct());
            return new ConcurrencyConflictException(
                $"Another writer changed {names} after it was read; nothing was saved. Reload and retry.", innerException: exception);
        }

        var postgres = FindPostgresException(exception);
        if (postgres is null)
        {
            return null;
        }

        var where = postgres.TableName is null ? string.Empty : $" on {postgres.TableName}";
        return postgres.SqlState switch
        {
            PostgresErrorCodes.UniqueViolation when postgres.ConstraintName is { } c && OrdinalIndexes.All.Contains(c) =>
                new ConcurrencyConflictException(
                    $"A concurrent writer took the same value ({c}){where}; nothing was saved. Reload and retry.",
                    postgres.SqlState, c, exception),
            PostgresErrorCodes.UniqueViolation =>
                new UniqueViolationException($"Duplicate value refused by {postgres.ConstraintName}{where}: {postgres.Detail ?? postgres.MessageText}",
                    postgres.ConstraintName, exception),
            PostgresErrorCodes.ForeignKeyViolation =>
                new ReferenceViolationException(
                    $"Reference refused by {postgres.ConstraintName}{where}: the parent row does not exist or belongs to another user.",
                    postgres.ConstraintName, exception),
            PostgresErrorCodes.CheckViolation or PostgresErrorCodes.NotNullViolation =>
                new ConstraintViolationException($"Value refused by {postgres.ConstraintName ?? postgres.ColumnName}{where}: {postgres.MessageText}",
                    postgres.SqlState, postgres.ConstraintName, exception),
            PostgresErrorCodes.InsufficientPrivilege =>
                new RlsViolationException($"Refused by row-level security or grants{where}: {postgres.MessageText}", exception),
            PostgresErrorCodes.ReadOnlySqlTransaction =>
                new ReadOnlyViolationException(
                    $"Refused: the transaction is read-only (a read-only context, or a standby){where}: {postgres.MessageText}. Nothing was written.",
                    exception),
            PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected =>
                new ConcurrencyConflictException(
                    $"The transaction conflicted with a concurrent one ({postgres.SqlState}); nothing was saved. Retry.",
                    postgres.SqlState, null, exception),
            _ => null,
        };
    }

    /// <summary>
    /// True when the same unit of work may succeed if it is simply tried again: the connection failed or timed out
    /// (<see cref="NpgsqlException.IsTransient"/>: refused, reset, server shutting down, too many connections), or
    /// the database asked for a retry (<see cref="DataAccessException.IsRetryable"/>: serialization failure,
    /// deadlock). Refusals (grants, RLS, constraints) are not transient: trying again changes nothing.
    /// </summary>
    public static bool IsTransient(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case DataAccessException translated:
                    return translated.IsRetryable;
                case NpgsqlException npgsql:
                    return npgsql.IsTransient;
                case TimeoutException:
                    return true;
            }
        }

        return false;
    }

    private static PostgresException? FindPostgresException(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is PostgresException postgres)
            {
                return postgres;
            }
        }

        return null;
    }
}
