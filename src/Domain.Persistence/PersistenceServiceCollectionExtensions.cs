using Domain.Persistence.Ledgers;
using Domain.Persistence.Usage;
using Domain.Prompts;
using Domain.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Domain.Persistence;

/// <summary>Registers the data layer with dependency injection.</summary>
public static class PersistenceServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="DomainDbContextFactory"/> (and <see cref="IDbContextFactory{TContext}"/>, which acts as
    /// anon) and the ledgers' writers: the <see cref="UsageLogWriter"/>, also as the <see cref="ILedgerWriter{TRecord}"/>
    /// of usage records, and a <see cref="CopyLedgerWriter{TRecord}"/> for prompt performance records.
    /// The EF options are built from the container: EF logs through the host's <see cref="ILoggerFactory"/> when one
    /// is registered, and any <see cref="IInterceptor"/> the application registers runs after the layer's own. Throws at once when <paramref name="connectionString"/>
    /// is missing or a placeholder.
    /// </summary>
    public static IServiceCollection AddDomainPersistence(this IServiceCollection services, string? connectionString)
    {
        ConnectionStrings.EnsureUsable(connectionString);
        services.AddSingleton(provider => DomainDbContextOptions.Create(
            connectionString!,
            provider.GetService<ILoggerFactory>(),
            provider.GetServices<IInterceptor>()));
        services.AddSingleton<DomainDbContextFactory>();
        services.AddSingleton<IDbContextFactory<DomainDbContext>>(sp => sp.GetRequiredService<DomainDbContextFactory>());
        services.AddSingleton<UsageLogWriter>();
        services.AddSingleton<ILedgerWriter<UsageRecord>>(sp => sp.GetRequiredService<UsageLogWriter>());
        services.AddSingleton<ILedgerWriter<PromptPerformanceRecord>>(
            sp => new CopyLedgerWriter<PromptPerformanceRecord>(sp.GetRequiredService<DomainDbContextFactory>()));
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
