using System.Globalization;
using Npgsql;

namespace Domain.Persistence.Connections;

/// <summary>
/// Decides the <see cref="DomainConnectionMode"/> of a connection string from the configured setting. The one address
/// recognised is Supabase's transaction pooler (Supavisor on port 6543 of <c>*.pooler.supabase.com</c>), so that
/// applications configured for it before the setting existed keep working unchanged; every other transaction-mode pooler
/// must be named by the setting.
/// </summary>
internal static class ConnectionModes
{
    /// <summary>The configuration key of the setting, as operators write it.</summary>
    public const string SettingName = DomainPersistenceOptions.SectionName + ":" + nameof(DomainPersistenceOptions.ConnectionMode);

    /// <summary>
    /// <paramref name="configured"/> when set; otherwise <see cref="DomainConnectionMode.TransactionPooler"/> for
    /// Supabase's transaction pooler and <see cref="DomainConnectionMode.Direct"/> for everything else.
    /// </summary>
    /// <exception cref="InvalidOperationException"><see cref="DomainConnectionMode.Direct"/> is configured for Supabase's
    /// transaction pooler, where prepared statements fail and session state leaks between clients.</exception>
    public static DomainConnectionMode Resolve(string connectionString, DomainConnectionMode? configured)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var supabasePooler = IsSupabaseTransactionPooler(builder);
        if (configured == DomainConnectionMode.Direct && supabasePooler)
        {
            throw new InvalidOperationException(
                $"{SettingName} is {DomainConnectionMode.Direct}, but the connection string points at Supabase's transaction pooler "
                + $"(port 6543 of {builder.Host}), which runs each transaction on any server session. Set {SettingName} to "
                + $"{DomainConnectionMode.TransactionPooler}, or connect through the session pooler (port 5432) or directly.");
        }

        return configured ?? (supabasePooler ? DomainConnectionMode.TransactionPooler : DomainConnectionMode.Direct);
    }

    /// <summary>
    /// Supabase's shared pooler (Supavisor) runs transaction mode on port 6543 and session mode on 5432. Npgsql also
    /// takes the port from <c>Host=name:port</c> (one host or several), where it overrides <c>Port</c>.
    /// </summary>
    public static bool IsSupabaseTransactionPooler(NpgsqlConnectionStringBuilder builder)
        => (builder.Host ?? string.Empty).Split(',', StringSplitOptions.TrimEntries).Any(host =>
            host.Contains("pooler.supabase.com", StringComparison.OrdinalIgnoreCase) && PortOf(host, builder.Port) == 6543);

    private static int PortOf(string host, int port)
    {
        var colon = host.LastIndexOf(':');
        return colon > 0 && int.TryParse(host.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var explicitPort)
            ? explicitPort
            : port;
    }
}
