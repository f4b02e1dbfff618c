using Domain.Application;
using Domain.Application.Usage;
using Domain.Persistence;
using Domain.Usage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Domain.UnitTests.Usage;

/// <summary>
/// How <c>AddDomainApplication</c> registers the usage recorder: options from configuration, checked at start, no
/// logging of its own, disposed by the container without throwing.
/// </summary>
public sealed class UsageRecorderRegistrationTests
{
    /// <summary>Parsed, never opened: these tests need no database.</summary>
    private const string ConnectionString = "Host=localhost;Database=domain_unit;Username=nobody;Password=unused";

    [Fact]
    public void AddDomainApplication_WithConfiguration_BindsTheDomainUsageRecorderSection()
    {
        using var provider = Build(Configuration(
            ("Capacity", "2000"), ("BatchSize", "500"), ("Linger", "00:00:00.050"), ("RetryDelay", "00:00:00.250"),
            ("MaxRetryDelay", "00:00:10"), ("StopTimeout", "00:00:05")));

        var options = provider.GetRequiredService<IOptions<UsageRecorderOptions>>().Value;

        Assert.Equal("Domain:UsageRecorder", UsageRecorderOptions.SectionName);
        Assert.Equal(
            (2_000, 500, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5)),
            (options.Capacity, options.BatchSize, options.Linger, options.RetryDelay, options.MaxRetryDelay, options.StopTimeout));
        Assert.Same(options, provider.GetRequiredService<UsageRecorderOptions>());
    }

    [Fact]
    public void AddDomainApplication_WithConfigurationAndADelegate_TheDelegateRunsAfterTheBinding()
    {
        using var provider = Build(Configuration(("Capacity", "2000"), ("BatchSize", "500")), o => o.Capacity = 3_000);

        var options = provider.GetRequiredService<UsageRecorderOptions>();

        Assert.Equal((3_000, 500), (options.Capacity, options.BatchSize));
    }

    [Fact]
    public void AddDomainApplication_WithAnInvalidConfiguredValue_RegistersButFailsAtStartNamingTheOption()
    {
        using var provider = Build(Configuration(("BatchSize", "0")));

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("UsageRecorderOptions.BatchSize", ex.Message, StringComparison.Ordinal);
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<UsageRecorder>());
    }

    [Fact]
    public void AddDomainApplication_WithSeveralInvalidConfiguredValues_ReportsEveryOneOfThem()
    {
        using var provider = Build(Configuration(("Capacity", "0"), ("Linger", "-00:00:01"), ("StopTimeout", "02:00:00")));

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal(
            [
                "UsageRecorderOptions.Capacity", "UsageRecorderOptions.BatchSize", "UsageRecorderOptions.Linger",
                "UsageRecorderOptions.StopTimeout",
            ],
            ex.Failures.Select(failure => failure.Split(' ')[0]));
    }

    [Fact]
    public void AddDomainApplication_WithAnUnreadableConfiguredValue_FailsAtStartNamingTheKey()
    {
        using var provider = Build(Configuration(("Capacity", "lots")));

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Domain:UsageRecorder:Capacity", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddDomainApplication_WithADelegate_StillChecksOptionsAtStart()
    {
        var services = new ServiceCollection().AddDomainPersistence(ConnectionString).AddDomainApplication(o => o.BatchSize = 50);
        services.Configure<UsageRecorderOptions>(o => o.Capacity = 10);
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("UsageRecorderOptions.BatchSize", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddDomainApplication_LeavesLoggingToTheHost_AndTheRecorderResolvesWithoutIt()
    {
        var services = new ServiceCollection().AddDomainPersistence(ConnectionString).AddDomainApplication();

        Assert.DoesNotContain(services, d => d.ServiceType == typeof(ILoggerFactory) || d.ServiceType == typeof(ILogger<>));
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        Assert.NotNull(provider.GetRequiredService<UsageRecorder>());
    }

    [Fact]
    public async Task DisposingTheContainer_WithAnUnstartedRecorderHoldingARecord_DoesNotThrowAndLogsTheDroppedRecord()
    {
        var log = new CapturingLogger();
        var provider = new ServiceCollection()
            .AddLogging(logging => logging.AddProvider(log))
            .AddDomainPersistence(ConnectionString)
            .AddDomainApplication()
            .BuildServiceProvider();
        var record = Usage();
        await provider.GetRequiredService<UsageRecorder>().RecordAsync(record);

        await provider.DisposeAsync();

        var dropped = Assert.Single(log.Entries, e => e.Level == LogLevel.Error);
        Assert.Equal(1L, dropped.Values["Count"]);
        Assert.Equal(record.Id, dropped.Values["FirstId"]);
    }

    [Fact]
    public async Task DisposingTheContainerSynchronously_DisposesTheRecorderWithoutThrowing()
    {
        var log = new CapturingLogger();
        var provider = new ServiceCollection()
            .AddLogging(logging => logging.AddProvider(log))
            .AddDomainPersistence(ConnectionString)
            .AddDomainApplication()
            .BuildServiceProvider();
        var recorder = provider.GetRequiredService<UsageRecorder>();
        await recorder.RecordAsync(Usage());

        provider.Dispose();

        Assert.Single(log.Entries, e => e.Level == LogLevel.Error);
        await Assert.ThrowsAsync<InvalidOperationException>(() => recorder.RecordAsync(Usage()).AsTask());
    }

    private static UsageRecord Usage()
        => UsageRecord.Create(Guid.CreateVersion7(), "openai", "chat.completion", null, 1, 1, 0m, TimeProvider.System.GetUtcNow());

    private static IConfiguration Configuration(params (string Key, string Value)[] values)
        => new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => KeyValuePair.Create($"{UsageRecorderOptions.SectionName}:{v.Key}", (string?)v.Value)))
            .Build();

    private static ServiceProvider Build(IConfiguration configuration, Action<UsageRecorderOptions>? configure = null)
        => new ServiceCollection()
            .AddDomainPersistence(ConnectionString)
            .AddDomainApplication(configuration, configure)
            .BuildServiceProvider();
}
