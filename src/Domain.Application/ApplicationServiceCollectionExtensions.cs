using Domain.Application.Auditing;
using Domain.Application.Identity;
using Domain.Application.Ledgers;
using Domain.Application.Common;
using Domain.Application.Conversations;
using Domain.Application.Prompts;
using Domain.Application.Files;
using Domain.Application.Files.Access;
using Domain.Application.Files.Deletion;
using Domain.Application.Sessions;
using Domain.Application.Usage;
using FluentValidation;
using Mapster;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Domain.Application;

/// <summary>
/// Registers the application layer: stores, validators, the Mapster configuration, the ledger recorders (usage, prompt
/// performance), the cache of active prompts with its refresher, the file access recorder and the file deletion workers
/// (which need an <see cref="IFileRemover"/> per place, <see cref="AddFileRemover{TRemover}"/>).
/// </summary>
public static class ApplicationServiceCollectionExtensions
{
    /// <summary>
    /// Registers the application layer; call <c>AddDomainPersistence</c> as well. The <see cref="UsageRecorder"/> is a
    /// singleton and a hosted service (the host starts and stops it); <paramref name="configureUsageRecorder"/> adjusts
    /// its <see cref="UsageRecorderOptions"/>. The values it sets are checked here, and all options again when the host
    /// starts (<c>ValidateOnStart</c>), so a bad value fails at startup with the option's name. Logging is the host's:
    /// without an <c>ILogger&lt;UsageRecorder&gt;</c> the recorder logs nothing.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An option set by <paramref name="configureUsageRecorder"/> is out of
    /// range; the message names it.</exception>
    public static IServiceCollection AddDomainApplication(
        this IServiceCollection services, Action<UsageRecorderOptions>? configureUsageRecorder = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (configureUsageRecorder is not null)
        {
            // The delegate's mistakes surface at the line that made them, before anything is built.
            var options = new UsageRecorderOptions();
            configureUsageRecorder(options);
            options.Validate();
        }

        var usageOptions = AddCore(services);
        if (configureUsageRecorder is not null)
        {
            usageOptions.Configure(configureUsageRecorder);
        }

        return services;
    }

    /// <summary>
    /// Registers the application layer as <see cref="AddDomainApplication(IServiceCollection, Action{UsageRecorderOptions})"/>
    /// does, with the <see cref="UsageRecorderOptions"/> bound from the section <see cref="UsageRecorderOptions.SectionName"/>
    /// (<c>Domain:UsageRecorder</c>) of <paramref name="configuration"/>, then adjusted by
    /// <paramref name="configureUsageRecorder"/>. They are checked when the host starts (<c>ValidateOnStart</c>) and
    /// whenever they are built: an invalid value fails with <see cref="OptionsValidationException"/> naming each option.
    /// </summary>
    public static IServiceCollection AddDomainApplication(
        this IServiceCollection services, IConfiguration configuration, Action<UsageRecorderOptions>? configureUsageRecorder = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var usageOptions = AddCore(services).Bind(configuration.GetSection(UsageRecorderOptions.SectionName));
        services.AddOptions<ConversationOptions>().Bind(configuration.GetSection(ConversationOptions.SectionName));
        services.AddOptions<PromptCacheOptions>().Bind(configuration.GetSection(PromptCacheOptions.SectionName));
        services.AddOptions<PromptPerformanceRecorderOptions>().Bind(configuration.GetSection(PromptPerformanceRecorderOptions.SectionName));
        services.AddOptions<FileAccessOptions>().Bind(configuration.GetSection(FileAccessOptions.SectionName));
        services.AddOptions<FileDeletionOptions>().Bind(configuration.GetSection(FileDeletionOptions.SectionName));
        if (configureUsageRecorder is not null)
        {
            usageOptions.Configure(configureUsageRecorder);
        }

        return services;
    }

    /// <summary>
    /// Registers <typeparamref name="TRemover"/> as the <see cref="IFileRemover"/> of its place (storage, or one provider):
    /// the deletion workers then claim that place's jobs. One remover per place.
    /// </summary>
    public static IServiceCollection AddFileRemover<TRemover>(this IServiceCollection services)
        where TRemover : class, IFileRemover
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddSingleton<IFileRemover, TRemover>();
    }

    /// <summary>Registers <paramref name="remover"/> as the <see cref="IFileRemover"/> of its place.</summary>
    public static IServiceCollection AddFileRemover(this IServiceCollection services, IFileRemover remover)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(remover);
        return services.AddSingleton(remover);
    }

    /// <summary>The Mapster configuration of every DTO, compiled and strict about unmapped destination members.</summary>
    public static TypeAdapterConfig CreateMappingConfig()
    {
        var config = new TypeAdapterConfig { RequireDestinationMemberSource = true };
        config.Scan(typeof(ApplicationServiceCollectionExtensions).Assembly);
        config.Compile();
        return config;
    }

    private static OptionsBuilder<UsageRecorderOptions> AddCore(IServiceCollection services)
    {
        services.AddValidatorsFromAssemblyContaining<CreateSessionRequestValidator>(ServiceLifetime.Singleton, includeInternalTypes: false);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(CreateMappingConfig());
        services.AddSingleton<RequestPipeline>();
        services.AddSingleton<SessionStore>();
        services.AddSingleton<ConversationStore>();
        services.AddSingleton<ProfileStore>();
        services.AddSingleton<ProfileCallers>();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<UsageLimitCheck>();
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<ConversationCleanup>();
        services.AddHostedService<ConversationCleanupService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConversationOptions>, ConversationOptionsValidator>());
        services.AddOptions<ConversationOptions>().ValidateOnStart();
        AddPrompts(services);

        services.AddSingleton<FileStore>();
        services.AddSingleton<FileAccessRecorder>();
        services.AddHostedService(provider => provider.GetRequiredService<FileAccessRecorder>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FileAccessOptions>, FileAccessOptionsValidator>());
        services.AddOptions<FileAccessOptions>().ValidateOnStart();
        services.AddSingleton<FileRemovers>();
        services.AddHostedService<FileDeletionService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FileDeletionOptions>, FileDeletionOptionsValidator>());
        services.AddOptions<FileDeletionOptions>().ValidateOnStart();

        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<UsageRecorderOptions>, LedgerRecorderOptionsValidator<UsageRecorderOptions>>());
        services.TryAddSingleton(provider => provider.GetRequiredService<IOptions<UsageRecorderOptions>>().Value);
        services.AddSingleton<UsageRecorder>();
        services.AddHostedService(provider => provider.GetRequiredService<UsageRecorder>());
        return services.AddOptions<UsageRecorderOptions>().ValidateOnStart();
    }

    private static void AddPrompts(IServiceCollection services)
    {
        services.AddSingleton<PromptStore>();
        services.AddSingleton<IActivePromptSource, DatabaseActivePromptSource>();
        services.AddSingleton(provider => new ActivePromptCache(
            provider.GetRequiredService<IActivePromptSource>(),
            provider.GetRequiredService<IOptions<PromptCacheOptions>>().Value.MaxStaleness,
            provider.GetRequiredService<TimeProvider>()));
        services.AddHostedService<PromptCacheRefresher>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PromptCacheOptions>, PromptCacheOptionsValidator>());
        services.AddOptions<PromptCacheOptions>().ValidateOnStart();

        services.TryAddEnumerable(ServiceDescriptor.Singleton<
            IValidateOptions<PromptPerformanceRecorderOptions>, LedgerRecorderOptionsValidator<PromptPerformanceRecorderOptions>>());
        services.TryAddSingleton(provider => provider.GetRequiredService<IOptions<PromptPerformanceRecorderOptions>>().Value);
        services.AddSingleton<PromptPerformanceRecorder>();
        services.AddHostedService(provider => provider.GetRequiredService<PromptPerformanceRecorder>());
        services.AddOptions<PromptPerformanceRecorderOptions>().ValidateOnStart();
    }
}
