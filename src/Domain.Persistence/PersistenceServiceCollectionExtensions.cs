using Domain.Persistence.Ledgers;
using Domain.Persistence.Usage;
using Domain.Prompts;
using Domain.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Domain.Persistence;

/// <summary>Registers the data layer with dependency injection.</summary>
public static class PersistenceServiceCollectionExtensions
{
    /// <summary>
    /// Registers the data layer on the primary at <paramref name="connectionString"/>, with the settings
    /// <paramref name="configure"/> adds (<see cref="DomainPersistenceOptions"/>: connection mode, read replica); see
    /// <see cref="AddDomainPersistence(IServiceCollection, DomainPersistenceOptions)"/>. Throws at once when a setting is
    /// missing, a placeholder or invalid.
    /// </summary>
    public static IServiceCollection AddDomainPersistence(
        this IServiceCollection services, string? connectionString, Action<DomainPersistenceOptions>? configure = null)
    {
        var options = new DomainPersistenceOptions { ConnectionString = connectionString };
        configure?.Invoke(options);
        return services.AddDomainPersistence(options);
    }

    /// <summary>
    /// Registers the data layer with the settings in <paramref name="configuration"/>
    /// (<see cref="DomainPersistenceOptions.FromConfiguration"/>: <c>ConnectionStrings:Domain</c>,
    /// <c>ConnectionStrings:DomainReadReplica</c>, <c>Domain:Persistence</c>), adjusted by <paramref name="configure"/>.
    /// Throws at once when a setting is missing, a placeholder or invalid, naming it.
    /// </summary>
    public static IServiceCollection AddDomainPersistence(
        this IServiceCollection services, IConfiguration configuration, Action<DomainPersistenceOptions>? configure = null)
    {
        var options = DomainPersistenceOptions.FromConfiguration(configuration);
        configure?.Invoke(options);
        return services.AddDomainPersistence(options);
    }

    /// <summary>
    /// Registers <see cref="DomainDbContextFactory"/> (and <see cref="IDbContextFactory{TContext}"/>, which acts as
    /// anon), the primary's <see cref="DbContextOptions{TContext}"/>, the <paramref name="options"/> themselves, and the
    /// <see cref="UsageLogWriter"/>, also as the <see cref="ILedgerWriter{TRecord}"/> of usage records, and a
    /// <see cref="CopyLedgerWriter{TRecord}"/> for prompt performance records. The EF options are
    /// built from the container: EF logs through the host's <see cref="ILoggerFactory"/> when one is registered, and any
    /// <see cref="IInterceptor"/> the application registers runs after the layer's own. Throws at once when a setting is
    /// missing, a placeholder or invalid.
    /// </summary>
    public static IServiceCollection AddDomainPersistence(this IServiceCollection services, DomainPersistenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        services.AddSingleton(options);
        services.AddSingleton(provider => DomainDbContextOptions.Create(
            options.ConnectionString!, options.ConnectionMode, provider.GetService<ILoggerFactory>(), provider.GetServices<IInterceptor>()));
        services.AddSingleton(provider =>
        {
            var primary = provider.GetRequiredService<DbContextOptions<DomainDbContext>>();
            if (options.ReadReplicaConnectionString is not { } replica)
            {
                return new DomainDbContextFactory(primary);
            }

            var standby = DomainDbContextOptions.Create(
                replica, options.ConnectionMode, provider.GetService<ILoggerFactory>(), provider.GetServices<IInterceptor>());
            return new DomainDbContextFactory(primary, standby, options.ReadYourWritesWait, provider.GetService<TimeProvider>());
        });
        services.AddSingleton<IDbContextFactory<DomainDbContext>>(sp => sp.GetRequiredService<DomainDbContextFactory>());
        services.AddSingleton<UsageLogWriter>();
        services.AddSingleton<ILedgerWriter<UsageRecord>>(sp => sp.GetRequiredService<UsageLogWriter>());
        services.AddSingleton<ILedgerWriter<PromptPerformanceRecord>>(
            sp => new CopyLedgerWriter<PromptPerformanceRecord>(sp.GetRequiredService<DomainDbContextFactory>()));
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
