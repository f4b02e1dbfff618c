using Domain.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Domain.UnitTests.Persistence;

/// <summary><c>AddDomainPersistence</c> builds EF's options from the container.</summary>
public sealed class PersistenceRegistrationTests
{
    /// <summary>Parsed, never opened: these tests need no database.</summary>
    private const string ConnectionString = "Host=localhost;Database=domain_unit;Username=nobody;Password=unused";

    [Fact]
    public void EfLogsThroughTheHostsLoggerFactory()
    {
        using var loggers = new LoggerFactory([NullLoggerProvider.Instance]);
        using var provider = new ServiceCollection().AddSingleton<ILoggerFactory>(loggers).AddDomainPersistence(ConnectionString).BuildServiceProvider();

        var options = provider.GetRequiredService<DbContextOptions<DomainDbContext>>();

        Assert.Same(loggers, options.FindExtension<CoreOptionsExtension>()!.LoggerFactory);
    }

    [Fact]
    public void AnInterceptorTheApplicationRegisters_RunsAfterTheLayersOwn()
    {
        var own = new CountingInterceptor();
        using var provider = new ServiceCollection().AddSingleton<IInterceptor>(own).AddDomainPersistence(ConnectionString).BuildServiceProvider();

        var interceptors = provider.GetRequiredService<DbContextOptions<DomainDbContext>>().FindExtension<CoreOptionsExtension>()!.Interceptors!.ToList();

        Assert.Same(own, interceptors[^1]);
        Assert.True(interceptors.Count > 1);
    }

    private sealed class CountingInterceptor : DbCommandInterceptor;
}
