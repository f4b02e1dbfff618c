using Domain.Persistence;
using Domain.Persistence.MigrationSafety;

namespace Domain.UnitTests.Persistence;

/// <summary>
/// Migrations refuse a transaction-mode pooler they are told about before they connect (the probe that catches an
/// unannounced one needs a server: the integration tests run it through PgBouncer).
/// </summary>
public sealed class MigrationConnectionTests
{
    /// <summary>Nothing listens there: a refusal that came after connecting would fail differently.</summary>
    private const string Unreachable = "Host=127.0.0.1;Port=1;Database=app;Username=owner;Timeout=1";

    [Fact]
    public void ARunConfiguredForATransactionPooler_IsRefusedBeforeConnecting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => MigrationRunLock.Acquire(Unreachable, DomainConnectionMode.TransactionPooler));

        Assert.Contains("session-level advisory lock", error.Message, StringComparison.Ordinal);
        Assert.Contains("Domain:Persistence:ConnectionMode", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ARunAgainstSupabasesTransactionPooler_IsRefusedBeforeConnecting()
    {
        var error = Assert.Throws<InvalidOperationException>(
            () => MigrationRunLock.Acquire("Host=aws-0-eu-central-1.pooler.supabase.com;Port=6543;Username=postgres.abc;Password=secret", null));

        Assert.Contains("direct connection or a session-mode pooler", error.Message, StringComparison.Ordinal);
    }
}
