namespace Domain.Persistence;

/// <summary>
/// How the application's connections reach PostgreSQL: the one setting (<c>Domain:Persistence:ConnectionMode</c>) that
/// decides what the data layer may keep on a connection between transactions.
/// </summary>
public enum DomainConnectionMode
{
    /// <summary>
    /// Each client connection is one server session for as long as it is open: a direct connection, or a pooler in
    /// session mode (Supabase's pooler on port 5432). Statements used twice are prepared automatically; Npgsql resets a
    /// pooled connection before its next lease; migrations may run here.
    /// </summary>
    Direct,

    /// <summary>
    /// A pooler in transaction mode (PgBouncer <c>pool_mode = transaction</c>, Supabase's Supavisor on port 6543): each
    /// transaction may run on a different server session. Nothing may be kept on a session between transactions, so
    /// automatic preparation is off and Npgsql's reset is off (it would reset whichever server session the next
    /// statement lands on, not the one the previous lease used). Migrations refuse to run here (they hold a
    /// session-level lock for a whole run).
    /// </summary>
    TransactionPooler,
}
