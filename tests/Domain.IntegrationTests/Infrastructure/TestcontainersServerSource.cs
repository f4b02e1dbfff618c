using System.Net.Sockets;
using System.Text;
using Domain.DevDatabase;
using Testcontainers.PostgreSql;

namespace Domain.IntegrationTests.Infrastructure;

/// <summary>
/// A PostgreSQL container when a Docker engine answers on its socket; nothing otherwise. It lives here, not in
/// Domain.DevDatabase, so that Testcontainers and its Docker client stay a test dependency.
/// </summary>
internal sealed class TestcontainersServerSource : IDatabaseServerSource
{
    private const string SocketPath = "/var/run/docker.sock";

    /// <inheritdoc />
    public async Task<DatabaseServer?> TryOpenAsync(CancellationToken cancellationToken)
    {
        if (!await DockerEngineAnswersAsync(cancellationToken))
        {
            return null;
        }

        var container = new PostgreSqlBuilder("postgres:15-alpine").Build();
        await container.StartAsync(cancellationToken);
        return new DatabaseServer(container.GetConnectionString(), "Testcontainers", container);
    }

    private static async Task<bool> DockerEngineAnswersAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(SocketPath))
        {
            return false;
        }

        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), timeout.Token);
            await socket.SendAsync("GET /_ping HTTP/1.0\r\n\r\n"u8.ToArray(), SocketFlags.None, timeout.Token);
            var buffer = new byte[256];
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            return Encoding.ASCII.GetString(buffer, 0, read).Contains("200 OK", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or IOException)
        {
            return false;
        }
    }
}
