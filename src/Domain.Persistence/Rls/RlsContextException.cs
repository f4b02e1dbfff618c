namespace Domain.Persistence.Rls;

/// <summary>
/// A command could not be sent with the caller's claims, so it was not sent at all (fail closed): inside an ambient
/// <c>TransactionScope</c>, SaveChanges outside a transaction, a transaction or connection that carries another
/// caller's claims, a parameter named like the claims statement's, or a context used with a DbContext type the
/// interceptors do not serve.
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
