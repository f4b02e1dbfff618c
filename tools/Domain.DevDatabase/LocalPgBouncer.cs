using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace Domain.DevDatabase;

/// <summary>How to run a local PgBouncer in front of a PostgreSQL server.</summary>
public sealed record LocalPgBouncerOptions
{
    /// <summary>The server PgBouncer connects to (a host name or address it can reach).</summary>
    public required string ServerHost { get; init; }

    public required int ServerPort { get; init; }

    /// <summary>
    /// The logins clients may use, with the password PgBouncer gives the server for each (empty for a server that trusts
    /// loopback). Clients are not asked for one: PgBouncer listens on 127.0.0.1 only.
    /// </summary>
    public required IReadOnlyDictionary<string, string> Logins { get; init; }

    /// <summary><c>pool_mode</c>: <c>transaction</c> (the default here), <c>session</c> or <c>statement</c>.</summary>
    public string PoolMode { get; init; } = "transaction";

    /// <summary><c>default_pool_size</c>: server connections per database and user.</summary>
    public int DefaultPoolSize { get; init; } = 2;

    /// <summary><c>max_client_conn</c>.</summary>
    public int MaxClientConnections { get; init; } = 1_000;

    /// <summary>
    /// <c>server_reset_query_always = 1</c>: <c>DISCARD ALL</c> after every transaction, not only when a session-mode
    /// client leaves, so no session state passes from one client to the next (at a cost on every transaction).
    /// </summary>
    public bool ResetAfterEveryTransaction { get; init; }

    /// <summary>Names the throwaway directory (<c>&lt;prefix&gt;&lt;process id&gt;-…</c> under the temporary directory).</summary>
    public string NamePrefix { get; init; } = "domain-pgbouncer-";
}

/// <summary>
/// A throwaway PgBouncer (the machine's own, Debian package <c>pgbouncer</c>) on a free port of 127.0.0.1, in front of a
/// PostgreSQL server, for tests and benchmarks: its configuration, log and pid file live in a directory of its own under
/// the temporary directory. PgBouncer refuses to run as root, so as root it runs as the <c>postgres</c> OS user, like the
/// local cluster. Disposing it stops it and deletes the directory; a PgBouncer left by a killed run is stopped and
/// removed by the next start with the same prefix.
/// </summary>
public sealed class LocalPgBouncer : IAsyncDisposable
{
    private const string PidFileName = "pgbouncer.pid";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);
    private int _disposed;

    private LocalPgBouncer(string directory, int port)
    {
        Directory = directory;
        Port = port;
    }

    /// <summary>The directory holding <c>pgbouncer.ini</c>, the login list, the log and the pid file.</summary>
    public string Directory { get; }

    /// <summary>The port on 127.0.0.1 clients connect to.</summary>
    public int Port { get; }

    /// <summary>The pgbouncer executable: <c>$DOMAIN_PGBOUNCER</c>, else <c>pgbouncer</c> on PATH, else Debian's <c>/usr/sbin/pgbouncer</c>; null when absent.</summary>
    public static string? FindExecutable()
    {
        var configured = Environment.GetEnvironmentVariable("DOMAIN_PGBOUNCER");
        if (!string.IsNullOrWhiteSpace(configured) && File.Exists(configured))
        {
            return configured;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Append("/usr/sbin")
            .Select(directory => Path.Combine(directory, "pgbouncer"))
            .FirstOrDefault(File.Exists);
    }

    private static readonly Lock InstallGate = new();

    /// <summary>
    /// Installs Debian's package, as <c>.ci/run</c> does, when this process is root on a machine with apt-get (a fresh
    /// machine of the kind the project runs on has the PostgreSQL binaries but not PgBouncer), so that <c>dotnet test</c>
    /// works there too; null when it cannot or the package does not bring the executable. What apt-get said goes to
    /// standard error when it fails.
    /// </summary>
    private static string? InstallWithAptGet()
    {
        const string aptGet = "/usr/bin/apt-get";
        if (!PostgresUserProcess.RunningAsRoot || !File.Exists(aptGet))
        {
            return null;
        }

        lock (InstallGate)
        {
            if (FindExecutable() is { } installedMeanwhile)
            {
                return installedMeanwhile;
            }

            string[] install = ["DEBIAN_FRONTEND=noninteractive", aptGet, "install", "-y", "-q", "--no-install-recommends", "pgbouncer"];
            var result = PostgresUserProcess.RunRaw("/usr/bin/env", install);
            if (result.ExitCode != 0)
            {
                // The package lists may be empty on a fresh machine.
                PostgresUserProcess.RunRaw("/usr/bin/env", ["DEBIAN_FRONTEND=noninteractive", aptGet, "update", "-q"]);
                result = PostgresUserProcess.RunRaw("/usr/bin/env", install);
            }

            if (result.ExitCode != 0)
            {
                Console.Error.WriteLine($"apt-get install pgbouncer failed ({result.ExitCode}): {result.Error.Trim()}");
            }

            return FindExecutable();
        }
    }

    /// <summary>Writes the configuration, starts PgBouncer as a daemon and waits until it accepts connections.</summary>
    public static async Task<LocalPgBouncer> StartAsync(LocalPgBouncerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var executable = FindExecutable() ?? InstallWithAptGet()
            ?? throw new InvalidOperationException(
                "PgBouncer was not found: install it (Debian: apt-get install pgbouncer), or set DOMAIN_PGBOUNCER. "
                + "It is installed on its own only as root on a machine with apt-get.");

        await EndedRuns.RemoveAsync(options.NamePrefix, DestroyAsync, cancellationToken);
        var directory = EndedRuns.NewDirectory(options.NamePrefix);
        System.IO.Directory.CreateDirectory(directory);
        var port = FreePort();
        var configuration = Path.Combine(directory, "pgbouncer.ini");
        await File.WriteAllTextAsync(configuration, Configuration(options, directory, port), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(directory, "userlist.txt"), LoginList(options.Logins), cancellationToken);
        PostgresUserProcess.GiveToPostgres(directory);

        var bouncer = new LocalPgBouncer(directory, port);
        try
        {
            await PostgresUserProcess.RunCheckedAsync(executable, ["-d", configuration], cancellationToken);
            await bouncer.WaitUntilListeningAsync(cancellationToken);
            return bouncer;
        }
        catch
        {
            await bouncer.DisposeAsync();
            throw;
        }
    }

    /// <summary>A copy of <paramref name="connectionString"/> that connects through this PgBouncer (without TLS, which it does not offer).</summary>
    public string Route(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString)
    {
        Host = "127.0.0.1",
        Port = Port,
        SslMode = SslMode.Disable,
    }.ConnectionString;

    /// <summary>Stops PgBouncer (its clients' connections break) and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await DestroyAsync(Directory, CancellationToken.None);
    }

    /// <summary>Stops the PgBouncer whose pid file is in <paramref name="directory"/>, if it still runs, and deletes the directory.</summary>
    private static async Task DestroyAsync(string directory, CancellationToken cancellationToken)
    {
        var pidFile = Path.Combine(directory, PidFileName);
        if (File.Exists(pidFile)
            && int.TryParse((await File.ReadAllTextAsync(pidFile, cancellationToken)).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid)
            && IsPgBouncer(pid))
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            process.Kill();
            await process.WaitForExitAsync(cancellationToken);
        }

        if (System.IO.Directory.Exists(directory))
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>A pid file can outlive its process and the pid be reused: only a process named pgbouncer is stopped.</summary>
    private static bool IsPgBouncer(int pid)
    {
        var name = $"/proc/{pid}/comm";
        return EndedRuns.IsAlive(pid) && File.Exists(name) && File.ReadAllText(name).Trim() == "pgbouncer";
    }

    private async Task WaitUntilListeningAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port, cancellationToken);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50, cancellationToken);
            }
            catch (SocketException ex)
            {
                var log = Path.Combine(Directory, "pgbouncer.log");
                var tail = File.Exists(log) ? string.Join('\n', (await File.ReadAllLinesAsync(log, cancellationToken)).TakeLast(5)) : "(no log)";
                throw new InvalidOperationException($"PgBouncer did not start listening on 127.0.0.1:{Port}: {ex.Message}\n{tail}", ex);
            }
        }
    }

    private static string Configuration(LocalPgBouncerOptions options, string directory, int port)
    {
        var text = new StringBuilder();
        text.AppendLine("[databases]");
        text.AppendLine(CultureInfo.InvariantCulture, $"* = host={options.ServerHost} port={options.ServerPort}");
        text.AppendLine();
        text.AppendLine("[pgbouncer]");
        text.AppendLine("listen_addr = 127.0.0.1");
        text.AppendLine(CultureInfo.InvariantCulture, $"listen_port = {port}");
        text.AppendLine("unix_socket_dir =");
        text.AppendLine("auth_type = trust");
        text.AppendLine(CultureInfo.InvariantCulture, $"auth_file = {Path.Combine(directory, "userlist.txt")}");
        text.AppendLine(CultureInfo.InvariantCulture, $"pool_mode = {options.PoolMode}");
        text.AppendLine(CultureInfo.InvariantCulture, $"default_pool_size = {options.DefaultPoolSize}");
        text.AppendLine(CultureInfo.InvariantCulture, $"max_client_conn = {options.MaxClientConnections}");
        text.AppendLine(CultureInfo.InvariantCulture, $"server_reset_query_always = {(options.ResetAfterEveryTransaction ? 1 : 0)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"logfile = {Path.Combine(directory, "pgbouncer.log")}");
        text.AppendLine(CultureInfo.InvariantCulture, $"pidfile = {Path.Combine(directory, PidFileName)}");
        return text.ToString();
    }

    /// <summary>PgBouncer's auth_file: one <c>"name" "password"</c> line per login, double quotes doubled.</summary>
    private static string LoginList(IReadOnlyDictionary<string, string> logins)
    {
        static string Quoted(string value) => "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        return string.Concat(logins.Select(login => $"{Quoted(login.Key)} {Quoted(login.Value)}\n"));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
