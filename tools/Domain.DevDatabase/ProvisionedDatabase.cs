namespace Domain.DevDatabase;

/// <summary>
/// A database brought to the current schema by <see cref="DatabaseProvisioner"/>: how to connect as its owner and as
/// the application, and what provisioning did. Disposing it stops the server when provisioning started the server
/// for this process only; a server the caller passed in, a configured one or a persistent cluster keep running.
/// </summary>
public sealed class ProvisionedDatabase : IAsyncDisposable
{
    private readonly bool _ownsServer;

    internal ProvisionedDatabase(
        DatabaseServer server, bool ownsServer, string ownerConnectionString, string ownerRole, bool ownerIsSuperuser, string serverVersion)
    {
        Server = server;
        _ownsServer = ownsServer;
        OwnerConnectionString = ownerConnectionString;
        OwnerRole = ownerRole;
        OwnerIsSuperuser = ownerIsSuperuser;
        ServerVersion = serverVersion;
    }

    public DatabaseServer Server { get; }

    /// <summary>Connects as the schema owner (row-level security does not apply): migrations, arranging data, psql.</summary>
    public string OwnerConnectionString { get; }

    /// <summary>The role <see cref="OwnerConnectionString"/> logs in as.</summary>
    public string OwnerRole { get; }

    public bool OwnerIsSuperuser { get; }

    /// <summary>The server's <c>server_version</c>, e.g. <c>15.18 (Debian 15.18-0+deb12u1)</c>.</summary>
    public string ServerVersion { get; }

    /// <summary>
    /// Connects as <see cref="AppLoginRole"/>, which owns nothing and reaches rows only through the claims; null when
    /// the login role step was skipped.
    /// </summary>
    public string? AppConnectionString { get; internal set; }

    /// <summary>What the migration step did; null when it did not run.</summary>
    public MigrationRun? Migrations { get; internal set; }

    /// <summary>What the demo data step did; null when it did not run.</summary>
    public SeedResult? DemoData { get; internal set; }

    public async ValueTask DisposeAsync()
    {
        if (_ownsServer)
        {
            await Server.DisposeAsync();
        }
    }
}
