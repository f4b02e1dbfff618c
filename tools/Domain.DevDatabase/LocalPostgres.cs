using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Domain.DevDatabase;

/// <summary>Where and how to run a local PostgreSQL cluster.</summary>
public sealed record LocalPostgresOptions
{
    /// <summary>The requested cluster directory, e.g. <c>&lt;repo&gt;/.data/pg</c> or a temporary directory.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>True for <c>domain up</c>: keep the cluster and reuse it next run. False: throwaway, deleted on dispose.</summary>
    public bool Persistent { get; init; }

    /// <summary>A TCP port on 127.0.0.1; null picks a free one (a persistent cluster remembers it).</summary>
    public int? Port { get; init; }
}

/// <summary>
/// The one PostgreSQL launcher of the project, behind <see cref="LocalClusterSource"/> for the integration tests, the
/// benchmarks and <c>domain up</c>: a cluster made with the machine's own <c>initdb</c> and run with <c>pg_ctl</c> on 127.0.0.1 with trust
/// authentication (loopback only). PostgreSQL refuses to run as root, so as root the binaries run as the
/// <c>postgres</c> OS user, in a directory that user can reach.
/// </summary>
public sealed class LocalPostgres : IAsyncDisposable
{
    private const string PortFileName = "port";
    private const string LocationFileName = "location";
    private readonly bool _persistent;
    private int _disposed;

    private LocalPostgres(string dataDirectory, int port, string version, bool startedByThisProcess, bool persistent)
    {
        DataDirectory = dataDirectory;
        Port = port;
        Version = version;
        StartedByThisProcess = startedByThisProcess;
        _persistent = persistent;
    }

    /// <summary>The cluster's real directory (a fallback under /tmp when the requested one is out of reach for postgres).</summary>
    public string DataDirectory { get; }

    public int Port { get; }

    /// <summary>The server version, e.g. 15.18.</summary>
    public string Version { get; }

    /// <summary>False when an already running persistent cluster was attached to.</summary>
    public bool StartedByThisProcess { get; }

    /// <summary>
    /// The directory holding <c>initdb</c>: <c>$DOMAIN_PG_BIN</c>, else <c>initdb</c> on PATH, else the newest
    /// <c>/usr/lib/postgresql/&lt;version&gt;/bin</c>; null when PostgreSQL is not installed.
    /// </summary>
    public static string? FindBinDirectory()
    {
        var configured = Environment.GetEnvironmentVariable("DOMAIN_PG_BIN");
        if (!string.IsNullOrWhiteSpace(configured) && File.Exists(Path.Combine(configured, "initdb")))
        {
            return configured;
        }

        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(directory, "initdb");
            if (File.Exists(candidate))
            {
                var resolved = new FileInfo(candidate).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? candidate;
                return Path.GetDirectoryName(resolved);
            }
        }

        const string debianRoot = "/usr/lib/postgresql";
        if (!Directory.Exists(debianRoot))
        {
            return null;
        }

        return Directory.GetDirectories(debianRoot)
            .Select(d => (Directory: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
            .Where(d => File.Exists(Path.Combine(d.Directory, "initdb")))
            .OrderByDescending(d => d.Version)
            .Select(d => d.Directory)
            .FirstOrDefault();
    }

    /// <summary>Starts (initialising when needed) or attaches to a cluster.</summary>
    public static async Task<LocalPostgres> StartAsync(LocalPostgresOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var bin = FindBinDirectory()
            ?? throw new InvalidOperationException(
                "PostgreSQL binaries (initdb, pg_ctl) were not found: install PostgreSQL 15+ (Debian: apt-get install postgresql), "
                + "put initdb on PATH, or set DOMAIN_PG_BIN.");

        var requested = Path.GetFullPath(options.DataDirectory);
        var dataDirectory = ResolveLocation(requested);
        var stateDirectory = Path.GetDirectoryName(requested)!;

        if (options.Persistent && IsRunning(bin, dataDirectory) && ReadPort(dataDirectory) is { } runningPort)
        {
            return new LocalPostgres(dataDirectory, runningPort, await ReadVersionAsync(runningPort, cancellationToken), false, persistent: true);
        }

        PrepareDirectory(dataDirectory);
        if (!File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            await RunAsync(bin, "initdb", ["-D", dataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"], cancellationToken);
        }

        var remembered = options.Persistent ? ReadRememberedPort(stateDirectory) : null;
        var port = options.Port ?? (remembered is { } r && IsFree(r) ? r : FreePort());
        if (!IsFree(port))
        {
            throw new InvalidOperationException($"Port {port} on 127.0.0.1 is already in use; choose another with --port.");
        }

        await RunAsync(bin, "pg_ctl", StartArguments(dataDirectory, port, options.Persistent), cancellationToken);

        if (options.Persistent)
        {
            Directory.CreateDirectory(stateDirectory);
            await File.WriteAllTextAsync(Path.Combine(stateDirectory, PortFileName), port.ToString(CultureInfo.InvariantCulture), cancellationToken);
        }

        return new LocalPostgres(dataDirectory, port, await ReadVersionAsync(port, cancellationToken), true, options.Persistent);
    }

    /// <summary>
    /// Makes a streaming standby of this cluster in <paramref name="namePrefix"/>'s throwaway directory (as
    /// <see cref="LocalClusterSource.Throwaway"/> names them, so a killed run's standby is removed by the next one) with
    /// <c>pg_basebackup -R</c>, which writes the connection to this primary and <c>standby.signal</c>, and starts it on a
    /// free port as a hot standby. Disposing it stops and deletes it.
    /// </summary>
    public async Task<LocalPostgres> StartStandbyAsync(string namePrefix, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(namePrefix);
        var bin = FindBinDirectory() ?? throw new InvalidOperationException("PostgreSQL binaries (pg_basebackup) were not found.");
        await EndedRuns.RemoveAsync(namePrefix, DestroyAsync, cancellationToken);
        var dataDirectory = EndedRuns.NewDirectory(namePrefix);
        PrepareDirectory(dataDirectory);
        await RunAsync(bin, "pg_basebackup",
            ["-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-D", dataDirectory, "-R", "-X", "stream", "-c", "fast"],
            cancellationToken);
        return await StartAsync(new LocalPostgresOptions { DataDirectory = dataDirectory }, cancellationToken);
    }

    /// <summary>Stops this server (<c>pg_ctl stop -m fast</c>) and keeps its directory, to be started again with <see cref="StartServerAsync"/>.</summary>
    public async Task StopServerAsync(CancellationToken cancellationToken = default)
    {
        var bin = FindBinDirectory() ?? throw new InvalidOperationException("PostgreSQL binaries (pg_ctl) were not found.");
        NpgsqlConnection.ClearAllPools();
        await RunAsync(bin, "pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "stop"], cancellationToken);
    }

    /// <summary>Starts this server again after <see cref="StopServerAsync"/>, on the same port with the same settings.</summary>
    public async Task StartServerAsync(CancellationToken cancellationToken = default)
    {
        var bin = FindBinDirectory() ?? throw new InvalidOperationException("PostgreSQL binaries (pg_ctl) were not found.");
        await RunAsync(bin, "pg_ctl", StartArguments(DataDirectory, Port, _persistent), cancellationToken);
    }

    /// <summary>Stops the persistent cluster kept at <paramref name="dataDirectory"/>; false if it was not running.</summary>
    public static async Task<bool> StopAsync(string dataDirectory, CancellationToken cancellationToken = default)
    {
        var bin = FindBinDirectory() ?? throw new InvalidOperationException("PostgreSQL binaries (pg_ctl) were not found.");
        var location = ResolveLocation(Path.GetFullPath(dataDirectory));
        if (!IsRunning(bin, location))
        {
            return false;
        }

        await RunAsync(bin, "pg_ctl", ["-D", location, "-m", "fast", "-w", "stop"], cancellationToken);
        return true;
    }

    /// <summary>Stops a throwaway cluster left behind by a process that is gone, and deletes its directory.</summary>
    public static async Task DestroyAsync(string dataDirectory, CancellationToken cancellationToken = default)
    {
        var bin = FindBinDirectory();
        if (bin is not null && IsRunning(bin, dataDirectory))
        {
            await RunAsync(bin, "pg_ctl", ["-D", dataDirectory, "-m", "immediate", "-w", "stop"], cancellationToken);
        }

        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Another run on this machine removed the same leftover cluster first.
        }
    }

    /// <summary>A connection string for <paramref name="user"/> (trust authentication on loopback).</summary>
    public string ConnectionString(string database = "postgres", string user = "postgres")
    {
        return new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = user,
            Database = database,
        }.ConnectionString;
    }

    /// <summary>A throwaway cluster is stopped and deleted; a persistent one keeps running.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_persistent || Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await DestroyAsync(DataDirectory);
    }

    /// <summary><c>pg_ctl start</c> for <paramref name="dataDirectory"/> on <paramref name="port"/> of 127.0.0.1.</summary>
    private static string[] StartArguments(string dataDirectory, int port, bool persistent)
    {
        var settings = new List<string>
        {
            "-p", port.ToString(CultureInfo.InvariantCulture),
            "-c", "listen_addresses=127.0.0.1",
            "-c", $"unix_socket_directories={dataDirectory}",
            "-c", "max_connections=200",

            // Storage here is SSD and the working set cached: PostgreSQL's default of 4 overprices index order, and
            // under RLS (whose owner check the planner estimates at 1/n_distinct(user_id)) it then sorts a user's
            // whole bitmap instead of reading a keyset page in index order (docs/benchmarks.md).
            "-c", "random_page_cost=1.1",
        };
        if (!persistent)
        {
            settings.AddRange(["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]);
        }

        var log = Path.Combine(dataDirectory, "server.log");
        return ["-D", dataDirectory, "-l", log, "-w", "-t", "60", "-o", string.Join(' ', settings.Select(QuoteOption)), "start"];
    }

    private static bool RunningAsRoot => PostgresUserProcess.RunningAsRoot;

    [UnsupportedOSPlatformGuard("windows")]
    private static bool IsUnix => PostgresUserProcess.IsUnix;

    /// <summary>
    /// The requested directory, or, when running as root and the postgres user cannot reach it (a clone inside a
    /// 0700 folder), a directory under /tmp named after it. The choice is remembered next to the request.
    /// </summary>
    private static string ResolveLocation(string requested)
    {
        if (!RunningAsRoot)
        {
            return requested;
        }

        var remembered = Path.Combine(Path.GetDirectoryName(requested)!, LocationFileName);
        if (File.Exists(remembered))
        {
            return File.ReadAllText(remembered).Trim();
        }

        if (PostgresCanReach(Path.GetDirectoryName(requested)!))
        {
            return requested;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(requested)))[..12];
        var fallback = Path.Combine(Path.GetTempPath(), $"domain-pg-{hash}");
        Directory.CreateDirectory(Path.GetDirectoryName(requested)!);
        File.WriteAllText(remembered, fallback);
        return fallback;
    }

    /// <summary>Whether the postgres user can traverse every ancestor of <paramref name="directory"/> (searching upward from it).</summary>
    private static bool PostgresCanReach(string directory)
    {
        for (var current = new DirectoryInfo(directory); current is not null; current = current.Parent)
        {
            if (!current.Exists)
            {
                continue;
            }

            if (IsUnix && !File.GetUnixFileMode(current.FullName).HasFlag(UnixFileMode.OtherExecute))
            {
                return false;
            }
        }

        return true;
    }

    private static void PrepareDirectory(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        if (!IsUnix)
        {
            throw new PlatformNotSupportedException("The local PostgreSQL launcher runs on Linux and macOS.");
        }

        File.SetUnixFileMode(dataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        PostgresUserProcess.GiveToPostgres(dataDirectory);
    }

    private static bool IsRunning(string bin, string dataDirectory)
    {
        if (!File.Exists(Path.Combine(dataDirectory, "postmaster.pid")))
        {
            return false;
        }

        var (exitCode, _, _) = Run(bin, "pg_ctl", ["-D", dataDirectory, "status"]);
        return exitCode == 0;
    }

    /// <summary>The port a running cluster listens on, from the first lines of its postmaster.pid.</summary>
    private static int? ReadPort(string dataDirectory)
    {
        var lines = File.ReadAllLines(Path.Combine(dataDirectory, "postmaster.pid"));
        return lines.Length > 3 && int.TryParse(lines[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var port) ? port : null;
    }

    private static int? ReadRememberedPort(string stateDirectory)
    {
        var file = Path.Combine(stateDirectory, PortFileName);
        return File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var port)
            ? port
            : null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task<string> ReadVersionAsync(int port, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = port, Username = "postgres", Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SHOW server_version", connection);
        var version = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
        return version.Split(' ')[0];
    }

    private static string QuoteOption(string value) => value.Contains(' ', StringComparison.Ordinal) ? $"'{value}'" : value;

    private static Task RunAsync(string bin, string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
        => PostgresUserProcess.RunCheckedAsync(Path.Combine(bin, tool), arguments, cancellationToken);

    private static (int ExitCode, string Output, string Error) Run(string bin, string tool, IReadOnlyList<string> arguments)
        => PostgresUserProcess.Run(Path.Combine(bin, tool), arguments);
}
