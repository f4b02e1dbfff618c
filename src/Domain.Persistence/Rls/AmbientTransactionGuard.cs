using System.Transactions;

namespace Domain.Persistence.Rls;

/// <summary>
/// An ambient <see cref="TransactionScope"/> enlists connections in a transaction that EF does not start, so the
/// request context could not be tied to it: refuse rather than run without claims.
/// </summary>
internal static class AmbientTransactionGuard
{
    public static void ThrowIfPresent()
    {
        if (Transaction.Current is not null)
        {
            throw new RlsContextException(
                "An ambient TransactionScope is active. RLS claims are set per database transaction that EF starts; "
                + "use DbContext.Database.BeginTransaction() instead of TransactionScope.");
        }
    }
}
