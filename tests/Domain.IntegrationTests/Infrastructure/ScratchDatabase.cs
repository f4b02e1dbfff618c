using Npgsql;

namespace Domain.IntegrationTests.Infrastructure;

/// <summary>An empty database of its own for one test (migration tests), dropped when disposed.</summary>
public sealed class ScratchDatabase : IAsyncDisposable
{
    private ScratchDatabase(TestServer server, string name)
    {
        Server = server;
        Name = name;
        ConnectionString = server.AdminConnectionTo(name);
    }

    public TestServer Server { get; }

    public string Name { get; }

    /// <summary>Superuser connection to this database.</summary>
    public string ConnectionString { get; }

    public static async Task<ScratchDatabase> CreateAsync(string prefix, string? owner = null)
    {
        var server = await TestServer.InstanceAsync();
        return new ScratchDatabase(server, await server.CreateDatabaseAsync(prefix, owner));
    }

    public string ConnectionAs(string user, string? password) => Server.AdminConnectionTo(Name, user, password);

    public Task<T?> ScalarAsync<T>(string sql) => TestServer.ScalarAsync<T>(ConnectionString, sql);

    public Task ExecuteAsync(string sql) => TestServer.ExecuteAsync(ConnectionString, sql);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await Server.DropDatabaseAsync(Name);
    }
}
