using System.Globalization;
using Domain.Persistence.Connections;
using Microsoft.Extensions.Configuration;

namespace Domain.Persistence;

/// <summary>
/// Where the data layer connects and how: the primary's connection string, the <see cref="ConnectionMode"/>, and an
/// optional read replica. Bound from configuration by <see cref="FromConfiguration"/> (and so by
/// <c>AddDomainPersistence(configuration)</c>):
/// <code>
/// ConnectionStrings:Domain                       the primary (reads and writes)
/// ConnectionStrings:DomainReadReplica            optional: a standby that read-only contexts read from
/// Domain:Persistence:ConnectionMode              Direct | TransactionPooler (unset: see ConnectionMode)
/// Domain:Persistence:ReadYourWritesWait          how long a read waits for the standby to replay the caller's write
/// </code>
/// </summary>
public sealed class DomainPersistenceOptions
{
    /// <summary>The configuration section of the settings other than the connection strings.</summary>
    public const string SectionName = "Domain:Persistence";

    /// <summary>The name of the primary's connection string (<c>ConnectionStrings:Domain</c>).</summary>
    public const string ConnectionStringName = "Domain";

    /// <summary>The name of the read replica's connection string (<c>ConnectionStrings:DomainReadReplica</c>).</summary>
    public const string ReadReplicaConnectionStringName = "DomainReadReplica";

    /// <summary>
    /// The environment variable of <c>Domain:Persistence:ConnectionMode</c>, which migration bundles and the command-line
    /// tool read (they take no configuration file).
    /// </summary>
    public const string ConnectionModeVariable = "Domain__Persistence__ConnectionMode";

    /// <summary>The longest <see cref="ReadYourWritesWait"/> accepted.</summary>
    public static readonly TimeSpan MaxReadYourWritesWait = TimeSpan.FromSeconds(30);

    /// <summary>The primary: every write, and every read that does not ask for a read-only context.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// How the connections reach PostgreSQL, for the primary and the replica alike. Unset: <see cref="DomainConnectionMode.Direct"/>,
    /// except for Supabase's transaction pooler (port 6543 of <c>*.pooler.supabase.com</c>), which is
    /// <see cref="DomainConnectionMode.TransactionPooler"/> as before this setting existed. Setting it to
    /// <see cref="DomainConnectionMode.Direct"/> for that address is refused at startup. Any other transaction-mode
    /// pooler (PgBouncer, a self-hosted Supavisor) must be named here.
    /// </summary>
    public DomainConnectionMode? ConnectionMode { get; set; }

    /// <summary>
    /// A hot standby (or several, as an Npgsql multi-host string with <c>Target Session Attributes=prefer-standby</c>)
    /// that read-only contexts read from. Null: read-only contexts read from the primary.
    /// </summary>
    public string? ReadReplicaConnectionString { get; set; }

    /// <summary>
    /// Read-your-writes: after a caller wrote, how long its next read-only context waits for the standby to replay that
    /// write before it reads from the primary instead. Zero: straight to the primary. Default 100 ms.
    /// </summary>
    public TimeSpan ReadYourWritesWait { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The options in <paramref name="configuration"/>: the connection strings <see cref="ConnectionStringName"/> and
    /// <see cref="ReadReplicaConnectionStringName"/>, and the section <see cref="SectionName"/>. A value that cannot be
    /// read throws, naming its key.
    /// </summary>
    /// <exception cref="InvalidOperationException">A value cannot be read; the message names the key.</exception>
    public static DomainPersistenceOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SectionName);
        var options = new DomainPersistenceOptions
        {
            ConnectionString = configuration.GetConnectionString(ConnectionStringName),
            ReadReplicaConnectionString = NullIfBlank(configuration.GetConnectionString(ReadReplicaConnectionStringName)),
            ConnectionMode = ParseMode(section[nameof(ConnectionMode)], ConnectionModes.SettingName),
        };
        if (NullIfBlank(section[nameof(ReadYourWritesWait)]) is { } wait)
        {
            options.ReadYourWritesWait = TimeSpan.TryParse(wait, CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw new InvalidOperationException(
                    $"{SectionName}:{nameof(ReadYourWritesWait)} is '{wait}', not a time span (for example 00:00:00.100).");
        }

        return options;
    }

    /// <summary>The connection mode set by <see cref="ConnectionModeVariable"/>, or null when it is not set.</summary>
    /// <exception cref="InvalidOperationException">The variable holds something other than a mode's name.</exception>
    public static DomainConnectionMode? ConnectionModeFromEnvironment()
        => ParseMode(Environment.GetEnvironmentVariable(ConnectionModeVariable), ConnectionModeVariable);

    /// <summary>Throws when a connection string is missing, a placeholder or unusable, or a setting is out of range or contradicts the address.</summary>
    /// <exception cref="InvalidOperationException">The message names the setting.</exception>
    public void Validate()
    {
        Check(ConnectionString, $"ConnectionStrings:{ConnectionStringName}");
        if (ReadReplicaConnectionString is not null)
        {
            Check(ReadReplicaConnectionString, $"ConnectionStrings:{ReadReplicaConnectionStringName}");
        }

        if (ReadYourWritesWait < TimeSpan.Zero || ReadYourWritesWait > MaxReadYourWritesWait)
        {
            throw new InvalidOperationException(
                $"{SectionName}:{nameof(ReadYourWritesWait)} must be between zero and {MaxReadYourWritesWait}; it is {ReadYourWritesWait}.");
        }
    }

    private void Check(string? connectionString, string name)
    {
        try
        {
            ConnectionStrings.EnsureUsable(connectionString);
            ConnectionModes.Resolve(connectionString!, ConnectionMode);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException($"{name}: {ex.Message}", ex);
        }
    }

    private static DomainConnectionMode? ParseMode(string? value, string key)
    {
        if (NullIfBlank(value) is not { } text)
        {
            return null;
        }

        return Enum.TryParse<DomainConnectionMode>(text.Trim(), ignoreCase: true, out var mode) && Enum.IsDefined(mode)
            ? mode
            : throw new InvalidOperationException(
                $"{key} is '{text}'; it must be {DomainConnectionMode.Direct} or {DomainConnectionMode.TransactionPooler}.");
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
