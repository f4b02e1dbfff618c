namespace Domain.Persistence.Rls;

/// <summary>
/// A command could not be sent with the caller's claims, so it was not sent at all (fail closed): for example
/// inside an ambient <c>TransactionScope</c>, with error barriers, or from a context without claims.
/// </summary>
public sealed class RlsContextException : InvalidOperationException
{
    public RlsContextException(string message)
        : base(message)
    {
    }

    public RlsContextException()
    {
    }

    public RlsContextException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
