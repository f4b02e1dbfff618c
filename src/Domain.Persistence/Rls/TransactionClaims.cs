using System.Data.Common;
using System.Runtime.CompilerServices;

namespace Domain.Persistence.Rls;

/// <summary>
/// Which context's claims each transaction carries. Two contexts may share a transaction (EF's <c>SetDbConnection</c>
/// and <c>UseTransaction</c>) only when they act for the same caller: otherwise the second would set its claims on the
/// first's transaction, and whichever ran next would act with the other's. A transaction carrying another caller's
/// claims is refused, before anything is sent.
/// </summary>
internal static class TransactionClaims
{
    private static readonly ConditionalWeakTable<DbTransaction, DomainDbContext> Holders = new();

    /// <summary>The context whose claims the transaction last claimed on a connection carries, by connection.</summary>
    private static readonly ConditionalWeakTable<DbConnection, DomainDbContext> HoldersByConnection = new();

    /// <summary>
    /// Whether <paramref name="context"/>'s claims still have to be set on <paramref name="transaction"/>; throws
    /// <see cref="RlsContextException"/> when the transaction carries another caller's claims.
    /// </summary>
    public static bool NeedsClaims(DbTransaction transaction, DomainDbContext context)
    {
        var held = Holders.TryGetValue(transaction, out var holder) && !ReferenceEquals(holder, context) && !holder.Claims.IsSameCallerAs(context.Claims);
        if (ReferenceEquals(context.ClaimsTransaction, transaction))
        {
            // Set for this context earlier; someone else may have set their claims on it since.
            return held ? throw Conflict(context) : false;
        }

        // Another context still working in this transaction with other claims.
        return held && ReferenceEquals(holder!.ClaimsTransaction, transaction) ? throw Conflict(context) : true;
    }

    /// <summary>Records that <paramref name="transaction"/> now carries <paramref name="context"/>'s claims.</summary>
    public static void Claimed(DbTransaction transaction, DomainDbContext context)
    {
        Holders.AddOrUpdate(transaction, context);
        if (ConnectionOf(transaction) is { } connection)
        {
            HoldersByConnection.AddOrUpdate(connection, context);
        }

        context.ClaimsTransaction = transaction;
    }

    /// <summary>
    /// Refuses a command that <paramref name="context"/> sends outside any transaction it knows of, on a connection
    /// that is inside another caller's transaction (a connection shared with <c>SetDbConnection</c>): PostgreSQL would
    /// run the command, and the claims prepended to it, in that transaction.
    /// </summary>
    public static void ThrowIfInsideAnothersTransaction(DbConnection connection, DomainDbContext context)
    {
        if (HoldersByConnection.TryGetValue(connection, out var holder)
            && !ReferenceEquals(holder, context)
            && holder.ClaimsTransaction is { } transaction
            && !holder.Claims.IsSameCallerAs(context.Claims)
            && ReferenceEquals(ConnectionOf(transaction), connection))
        {
            throw Conflict(context);
        }
    }

    /// <summary>The transaction's connection; null once it is disposed (Npgsql then throws rather than answer).</summary>
    private static DbConnection? ConnectionOf(DbTransaction transaction)
    {
        try
        {
            return transaction.Connection;
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
    }

    private static RlsContextException Conflict(DomainDbContext context) => new(
        $"The transaction carries the RLS claims of another caller; a context acting for {context.Claims} cannot use it. "
        + "Contexts may share a transaction only when they act for the same caller. Nothing was sent.");
}
