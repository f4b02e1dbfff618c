namespace Domain.Common;

/// <summary>
/// Thrown when an operation would break an invariant of the model. <see cref="Code"/> is stable and
/// machine-readable (for example <c>session.archived</c>); the message says what was wrong in words.
/// </summary>
public sealed class DomainException : Exception
{
    public DomainException(string code, string message)
        : base(message)
    {
        Code = code;
    }

    public DomainException()
        : this("domain.error", "A domain rule was broken.")
    {
    }

    public DomainException(string message)
        : this("domain.error", message)
    {
    }

    public DomainException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = "domain.error";
    }

    /// <summary>A stable identifier of the rule that was broken.</summary>
    public string Code { get; }
}
