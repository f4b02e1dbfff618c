using System.CommandLine;
using Domain.Application;
using Domain.DevDatabase;
using Domain.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace Domain.Cli;

/// <summary>
/// The application layer over the command's database, for the commands that work through the stores (profiles, keys,
/// audit, conversations). They act as the backend, <c>Caller.Service</c>: the tool is an operator's, and the database's
/// grants and policies still decide what that may do.
/// </summary>
internal sealed class CliServices : IAsyncDisposable
{
    private readonly ProvisionedDatabase _database;
    private readonly ServiceProvider _provider;

    private CliServices(ProvisionedDatabase database, ServiceProvider provider)
    {
        _database = database;
        _provider = provider;
    }

    /// <summary>Opens the database (as <see cref="CliConnection.OpenAsync"/> finds it), prints where, and builds the stores over it.</summary>
    public static async Task<CliServices> OpenAsync(ParseResult parseResult, CancellationToken ct, Action<IServiceCollection>? configure = null)
    {
        var database = await CliConnection.OpenAsync(parseResult, ct);
        try
        {
            CliOutput.Field("server", CliConnection.Describe(database));
            var services = new ServiceCollection()
                .AddDomainPersistence(database.OwnerConnectionString)
                .AddDomainApplication();
            configure?.Invoke(services);
            return new CliServices(database, services.BuildServiceProvider());
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    public T Get<T>()
        where T : notnull
        => _provider.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        await _database.DisposeAsync();
    }
}
