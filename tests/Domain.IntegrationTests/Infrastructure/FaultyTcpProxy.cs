using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Domain.IntegrationTests.Infrastructure;

/// <summary>
/// A TCP proxy in front of the test server, so that one client's connections fail on cue and nobody else's: refuse
/// new connections, cut the live ones, or let a COMMIT reach the server and lose its acknowledgement (the transaction
/// commits; the client hears only that the connection broke). Plain-text PostgreSQL only (connect with SSL off).
/// </summary>
public sealed class FaultyTcpProxy : IAsyncDisposable
{
    private static readonly byte[] CommitQuery = Encoding.ASCII.GetBytes("COMMIT\0");

    private readonly TcpListener _listener;
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Link, byte> _links = new();
    private readonly Task _accepting;
    private volatile bool _refusing;
    private int _commitAcknowledgementsToLose;
    private int _commitAcknowledgementsLost;
    private int _refused;

    private FaultyTcpProxy(string targetHost, int targetPort)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Commits whose acknowledgement the proxy swallowed (after the server had committed).</summary>
    public int CommitAcknowledgementsLost => Volatile.Read(ref _commitAcknowledgementsLost);

    /// <summary>Connections accepted and closed at once while refusing.</summary>
    public int Refused => Volatile.Read(ref _refused);

    public static FaultyTcpProxy Start(string targetHost, int targetPort) => new(targetHost, targetPort);

    /// <summary>A copy of <paramref name="connectionString"/> that goes through this proxy, without SSL.</summary>
    public string Route(string connectionString, string applicationName)
    {
        return new Npgsql.NpgsqlConnectionStringBuilder(connectionString)
        {
            Host = "127.0.0.1",
            Port = Port,
            SslMode = Npgsql.SslMode.Disable,
            ApplicationName = applicationName,
        }.ConnectionString;
    }

    /// <summary>New connections are accepted and closed at once; live ones are cut.</summary>
    public void GoDown()
    {
        _refusing = true;
        foreach (var link in _links.Keys)
        {
            link.Cut();
        }
    }

    /// <summary>New connections reach the server again.</summary>
    public void ComeBack() => _refusing = false;

    /// <summary>The next COMMIT sent through the proxy reaches the server; its answer does not reach the client.</summary>
    public void LoseNextCommitAcknowledgement() => Interlocked.Increment(ref _commitAcknowledgementsToLose);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (var link in _links.Keys)
        {
            link.Cut();
        }

        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The listener was stopped.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            if (_refusing)
            {
                Interlocked.Increment(ref _refused);
                client.Dispose();
                continue;
            }

            var server = new TcpClient();
            try
            {
                await server.ConnectAsync(_targetHost, _targetPort, _stop.Token);
            }
            catch (SocketException)
            {
                client.Dispose();
                server.Dispose();
                continue;
            }

            var link = new Link(this, client, server);
            _links.TryAdd(link, 0);
            link.Start();
        }
    }

    /// <summary>One client connection and its server connection, copied both ways.</summary>
    private sealed class Link(FaultyTcpProxy proxy, TcpClient client, TcpClient server)
    {
        private volatile bool _swallowNextAnswer;

        public void Start()
        {
            _ = Task.Run(() => PumpAsync(client, server, toServer: true));
            _ = Task.Run(() => PumpAsync(server, client, toServer: false));
        }

        public void Cut()
        {
            if (proxy._links.TryRemove(this, out _))
            {
                client.Client.LingerState = new LingerOption(true, 0);
                client.Dispose();
                server.Dispose();
            }
        }

        private async Task PumpAsync(TcpClient from, TcpClient to, bool toServer)
        {
            var buffer = new byte[64 * 1024];
            try
            {
                var source = from.GetStream();
                var target = to.GetStream();
                while (true)
                {
                    var read = await source.ReadAsync(buffer, proxy._stop.Token);
                    if (read == 0)
                    {
                        break;
                    }

                    if (toServer && buffer.AsSpan(0, read).IndexOf(CommitQuery) >= 0 && TakeCommitToLose())
                    {
                        // Armed before the COMMIT is forwarded: the server's next answer is its acknowledgement.
                        _swallowNextAnswer = true;
                    }
                    else if (!toServer && _swallowNextAnswer)
                    {
                        Interlocked.Increment(ref proxy._commitAcknowledgementsLost);
                        break;
                    }

                    await target.WriteAsync(buffer.AsMemory(0, read), proxy._stop.Token);
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException
                or OperationCanceledException or InvalidOperationException)
            {
                // The other side or the test closed the connection.
            }

            Cut();
        }

        private bool TakeCommitToLose()
        {
            while (true)
            {
                var left = Volatile.Read(ref proxy._commitAcknowledgementsToLose);
                if (left == 0)
                {
                    return false;
                }

                if (Interlocked.CompareExchange(ref proxy._commitAcknowledgementsToLose, left - 1, left) == left)
                {
                    return true;
                }
            }
        }
    }
}
