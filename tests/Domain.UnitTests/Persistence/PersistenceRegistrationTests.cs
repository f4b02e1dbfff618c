using Domain.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

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

    [Fact]
    public void FromConfiguration_WithAReadReplica_RegistersAFactoryThatReadsFromIt()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Domain"] = ConnectionString,
            ["ConnectionStrings:DomainReadReplica"] = ConnectionString.Replace("localhost", "replica", StringComparison.Ordinal),
            ["Domain:Persistence:ConnectionMode"] = "TransactionPooler",
        }).Build();
        using var provider = new ServiceCollection().AddDomainPersistence(configuration).BuildServiceProvider();

        Assert.True(provider.GetRequiredService<DomainDbContextFactory>().HasReadReplica);
        Assert.Equal(DomainConnectionMode.TransactionPooler, provider.GetRequiredService<DomainPersistenceOptions>().ConnectionMode);
    }

    [Fact]
    public void AsTransactionPooler_ContextsConnectWithoutAutomaticPreparationOrReset()
    {
        using var provider = new ServiceCollection()
            .AddDomainPersistence(ConnectionString, o => o.ConnectionMode = DomainConnectionMode.TransactionPooler)
            .BuildServiceProvider();
        using var db = provider.GetRequiredService<DomainDbContextFactory>().AsAnon();

        var used = new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString());

        Assert.Equal((0, true), (used.MaxAutoPrepare, used.NoResetOnClose));
        Assert.False(provider.GetRequiredService<DomainDbContextFactory>().HasReadReplica);
    }

    [Fact]
    public void AnInvalidSetting_FailsAtRegistration()
    {
        var services = new ServiceCollection();

        Assert.Throws<InvalidOperationException>(() => services.AddDomainPersistence(ConnectionString, o => o.ReadYourWritesWait = TimeSpan.FromMinutes(5)));
    }

    private sealed class CountingInterceptor : DbCommandInterceptor;
}
