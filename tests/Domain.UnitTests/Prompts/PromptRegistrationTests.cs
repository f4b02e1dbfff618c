using Domain.Application;
using Domain.Application.Prompts;
using Domain.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Domain.UnitTests.Prompts;

/// <summary>How <c>AddDomainApplication</c> registers prompts: the store, the cache and its refresher, the performance recorder, their options.</summary>
public sealed class PromptRegistrationTests
{
    /// <summary>Parsed, never opened: these tests need no database.</summary>
    private const string ConnectionString = "Host=localhost;Database=domain_unit;Username=nobody;Password=unused";

    [Fact]
    public void TheCacheAndTheRecorder_TakeTheirOptionsFromTheirSections()
    {
        using var provider = Build(
            ($"{PromptCacheOptions.SectionName}:MaxStaleness", "00:00:01"),
            ($"{PromptPerformanceRecorderOptions.SectionName}:BatchSize", "250"));

        Assert.Equal(("Domain:PromptCache", "Domain:PromptPerformanceRecorder"), (PromptCacheOptions.SectionName, PromptPerformanceRecorderOptions.SectionName));
        Assert.Equal(TimeSpan.FromMilliseconds(500), provider.GetRequiredService<IOptions<PromptCacheOptions>>().Value.PollInterval);
        Assert.Equal(250, provider.GetRequiredService<PromptPerformanceRecorderOptions>().BatchSize);
    }

    [Theory]
    [InlineData("Domain:PromptCache:MaxStaleness", "00:00:00", "PromptCacheOptions.MaxStaleness")]
    [InlineData("Domain:PromptCache:MaxStaleness", "02:00:00", "PromptCacheOptions.MaxStaleness")]
    [InlineData("Domain:PromptPerformanceRecorder:BatchSize", "0", "PromptPerformanceRecorderOptions.BatchSize")]
    public void AnInvalidValue_FailsAtStartNamingTheOption(string key, string value, string option)
    {
        using var provider = Build((key, value));

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(option, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EverythingResolves_AndTheHostRunsTheRefresherAndTheRecorder()
    {
        var services = new ServiceCollection().AddDomainPersistence(ConnectionString).AddDomainApplication();
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.NotNull(provider.GetRequiredService<PromptStore>());
        var hosted = provider.GetServices<IHostedService>().ToList();
        Assert.Contains(hosted, s => s is PromptCacheRefresher);
        Assert.Contains(hosted, s => ReferenceEquals(s, provider.GetRequiredService<PromptPerformanceRecorder>()));
    }

    private static ServiceProvider Build(params (string Key, string Value)[] values)
        => new ServiceCollection()
            .AddDomainPersistence(ConnectionString)
            .AddDomainApplication(new ConfigurationBuilder()
                .AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value)))
                .Build())
            .BuildServiceProvider();
}
