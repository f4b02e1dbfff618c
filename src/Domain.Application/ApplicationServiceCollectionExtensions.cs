using Domain.Application.Sessions;
using Domain.Application.Usage;
using FluentValidation;
using Mapster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Domain.Application;

/// <summary>Registers the application layer: stores, validators, the Mapster configuration and the usage recorder.</summary>
public static class ApplicationServiceCollectionExtensions
{
    /// <summary>
    /// Registers the application layer; call <c>AddDomainPersistence</c> as well. The <see cref="UsageRecorder"/> is a
    /// singleton and a hosted service (the host starts and stops it); <paramref name="configureUsageRecorder"/> adjusts
    /// its <see cref="UsageRecorderOptions"/>, which are validated here, so a bad value fails at startup.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An option of the usage recorder is out of range; the message names it.</exception>
    public static IServiceCollection AddDomainApplication(
        this IServiceCollection services, Action<UsageRecorderOptions>? configureUsageRecorder = null)
    {
        var usageOptions = new UsageRecorderOptions();
        configureUsageRecorder?.Invoke(usageOptions);
        usageOptions.Validate();

        services.AddValidatorsFromAssemblyContaining<CreateSessionRequestValidator>(ServiceLifetime.Singleton, includeInternalTypes: false);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(CreateMappingConfig());
        services.AddSingleton<SessionStore>();

        services.AddLogging();
        services.AddSingleton(usageOptions);
        services.AddSingleton<UsageRecorder>();
        services.AddHostedService(provider => provider.GetRequiredService<UsageRecorder>());
        return services;
    }

    /// <summary>The Mapster configuration of every DTO, compiled and strict about unmapped destination members.</summary>
    public static TypeAdapterConfig CreateMappingConfig()
    {
        var config = new TypeAdapterConfig { RequireDestinationMemberSource = true };
        config.Scan(typeof(ApplicationServiceCollectionExtensions).Assembly);
        config.Compile();
        return config;
    }
}
