using Domain.Application.Sessions;
using FluentValidation;
using Mapster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Domain.Application;

/// <summary>Registers the application layer: stores, validators and the Mapster configuration.</summary>
public static class ApplicationServiceCollectionExtensions
{
    /// <summary>Registers the application layer; call <c>AddDomainPersistence</c> as well.</summary>
    public static IServiceCollection AddDomainApplication(this IServiceCollection services)
    {
        services.AddValidatorsFromAssemblyContaining<CreateSessionRequestValidator>(ServiceLifetime.Singleton, includeInternalTypes: false);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(CreateMappingConfig());
        services.AddSingleton<SessionStore>();
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
