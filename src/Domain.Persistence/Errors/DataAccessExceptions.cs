namespace Domain.Persistence.Errors;

/// <summary>
/// Base of the errors the data layer translates from PostgreSQL. <see cref="SqlState"/> and
/// <see cref="ConstraintName"/> say exactly what the database refused; <see cref="IsRetryable"/> says whether the
/// same unit of work may succeed if it is reloaded and tried again.
/// </summary>
public abstract class DataAccessException : Exception
{
    protected DataAccessException(string message, string? sqlState, string? constraintName, Exception? innerException)
        : base(message, innerException)
    {
        SqlState = sqlState;
        ConstraintName = constraintName;
    }

    public string? SqlState { get; }

    public string? ConstraintName { get; }

    public abstract bool IsRetryable { get; }
}

/// <summary>
/// Another writer changed the same aggregate first (optimistic concurrency on <c>xmin</c>, a revision number taken
/// meanwhile, a serialization failure or deadlock). Nothing was written; reload and retry.
/// </summary>
public sealed class ConcurrencyConflictException : DataAccessException
{
    public ConcurrencyConflictException(string message, string? sqlState = null, string? constraintName = null, Exception? innerException = null)
        : base(message, sqlState, constraintName, innerException)
    {
    }

    public override bool IsRetryable => true;
}

/// <summary>A unique constraint refused the write (SQLSTATE 23505). Nothing was written.</summary>
public sealed class UniqueViolationException : DataAccessException
{
    public UniqueViolationException(string message, string? constraintName, Exception? innerException = null)
        : base(message, "23505", constraintName, innerException)
    {
    }

    public override bool IsRetryable => false;
}

/// <summary>
/// Row-level security or a missing grant refused the statement (SQLSTATE 42501): the caller may not write that
/// row or touch that table. Nothing was written.
/// </summary>
public sealed class RlsViolationException : DataAccessException
{
    public RlsViolationException(string message, Exception? innerException = null)
        : base(message, "42501", null, innerException)
    {
    }

    public override bool IsRetryable => false;
}

/// <summary>
/// A foreign key refused the write (SQLSTATE 23503): the parent does not exist or belongs to another user.
/// Nothing was written.
/// </summary>
public sealed class ReferenceViolationException : DataAccessException
{
    public ReferenceViolationException(string message, string? constraintName, Exception? innerException = null)
        : base(message, "23503", constraintName, innerException)
    {
    }

    public override bool IsRetryable => false;
}

/// <summary>A check or not-null constraint refused the write (SQLSTATE 23514 / 23502). Nothing was written.</summary>
public sealed class ConstraintViolationException : DataAccessException
{
    public ConstraintViolationException(string message, string? sqlState, string? constraintName, Exception? innerException = null)
        : base(message, sqlState, constraintName, innerException)
    {
    }

    public override bool IsRetryable => false;
}

/// <summary>
/// A write was sent through a read-only context (<see cref="DomainDbContext.IsReadOnly"/>) or reached a standby
/// (SQLSTATE 25006). Nothing was written; retrying changes nothing: write through a context from <c>For</c>.
/// </summary>
public sealed class ReadOnlyViolationException : DataAccessException
{
    public ReadOnlyViolationException(string message, Exception? innerException = null)
        : base(message, "25006", null, innerException)
    {
    }

    public override bool IsRetryable => false;
}
