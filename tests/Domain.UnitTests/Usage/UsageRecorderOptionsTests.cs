using Domain.Application;
using Domain.Application.Usage;
using Domain.Persistence;
using Domain.Persistence.Usage;
using Domain.Usage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Domain.UnitTests.Usage;

public sealed class UsageRecorderOptionsTests
{
    /// <summary>Parsed, never opened: these tests need no database.</summary>
    private const string ConnectionString = "Host=localhost;Database=domain_unit;Username=nobody;Password=unused";

    public static TheoryData<string, Action<UsageRecorderOptions>> OutOfRange => new()
    {
        { nameof(UsageRecorderOptions.Capacity), o => o.Capacity = 0 },
        { nameof(UsageRecorderOptions.Capacity), o => o.Capacity = -5 },
        { nameof(UsageRecorderOptions.BatchSize), o => o.BatchSize = 0 },
        { nameof(UsageRecorderOptions.BatchSize), o => (o.Capacity, o.BatchSize) = (100, 101) },
        { nameof(UsageRecorderOptions.Linger), o => o.Linger = TimeSpan.FromMilliseconds(-1) },
        { nameof(UsageRecorderOptions.Linger), o => o.Linger = TimeSpan.FromMinutes(1) },
        { nameof(UsageRecorderOptions.RetryDelay), o => o.RetryDelay = TimeSpan.Zero },
        { nameof(UsageRecorderOptions.RetryDelay), o => o.RetryDelay = TimeSpan.FromDays(2) },
        {
            nameof(UsageRecorderOptions.MaxRetryDelay),
            o => (o.RetryDelay, o.MaxRetryDelay) = (TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1))
        },
        { nameof(UsageRecorderOptions.MaxRetryDelay), o => o.MaxRetryDelay = TimeSpan.FromHours(2) },
        { nameof(UsageRecorderOptions.StopTimeout), o => o.StopTimeout = TimeSpan.Zero },
        { nameof(UsageRecorderOptions.StopTimeout), o => o.StopTimeout = TimeSpan.FromHours(2) },
    };

    [Fact]
    public void Defaults_AreValid()
    {
        var options = new UsageRecorderOptions();

        options.Validate();

        Assert.Equal(100_000, options.Capacity);
        Assert.Equal(5_000, options.BatchSize);
    }

    [Fact]
    public void Validate_AtTheLimits_Passes()
    {
        new UsageRecorderOptions
        {
            Capacity = 1,
            BatchSize = 1,
            Linger = UsageRecorderOptions.MaxLinger,
            RetryDelay = UsageRecorderOptions.MaxDelay,
            MaxRetryDelay = UsageRecorderOptions.MaxDelay,
            StopTimeout = UsageRecorderOptions.MaxDelay,
        }.Validate();
        new UsageRecorderOptions { Linger = TimeSpan.Zero }.Validate();
    }

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void Validate_WhenAnOptionIsOutOfRange_ThrowsNamingIt(string option, Action<UsageRecorderOptions> breakIt)
    {
        var options = new UsageRecorderOptions();
        breakIt(options);

        var ex = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);

        Assert.Equal($"UsageRecorderOptions.{option}", ex.ParamName);
        Assert.Contains($"UsageRecorderOptions.{option}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddDomainApplication_WithAnInvalidOption_FailsAtRegistration()
    {
        var services = new ServiceCollection().AddDomainPersistence(ConnectionString);

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => services.AddDomainApplication(o => o.BatchSize = 0));

        Assert.Equal("UsageRecorderOptions.BatchSize", ex.ParamName);
    }

    [Fact]
    public void UsageRecorder_WithInvalidOptions_CannotBeConstructed()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(
            () => new UsageRecorder(
                Writer(), new UsageRecorderOptions { Capacity = 0 }, TimeProvider.System, NullLogger<UsageRecorder>.Instance));

        Assert.Equal("UsageRecorderOptions.Capacity", ex.ParamName);
    }

    [Fact]
    public async Task AddDomainApplication_RegistersOneRecorder_AsASingletonAndAHostedService()
    {
        await using var provider = new ServiceCollection()
            .AddLogging()
            .AddDomainPersistence(ConnectionString)
            .AddDomainApplication(o => o.Capacity = 12_345)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var recorder = provider.GetRequiredService<UsageRecorder>();

        Assert.Same(recorder, provider.GetRequiredService<UsageRecorder>());
        Assert.Contains(provider.GetServices<IHostedService>(), service => ReferenceEquals(service, recorder));
        Assert.Equal(12_345, provider.GetRequiredService<UsageRecorderOptions>().Capacity);
    }

    [Fact]
    public async Task UsageRecorder_NeverStarted_RefusesFlushes_AndHandsBackItsRecordsWhenStopped()
    {
        var recorder = new UsageRecorder(Writer(), new UsageRecorderOptions(), TimeProvider.System, NullLogger<UsageRecorder>.Instance);
        var record = UsageRecord.Create(
            Guid.CreateVersion7(), "openai", "chat.completion", null, 1, 1, 0m, TimeProvider.System.GetUtcNow());
        await recorder.RecordAsync(record);

        await Assert.ThrowsAsync<InvalidOperationException>(() => recorder.FlushAsync());
        var stopped = await Assert.ThrowsAsync<UsageRecordingException>(() => recorder.StopAsync(default));

        Assert.Equal(1, stopped.UnwrittenCount);
        Assert.Same(record, Assert.Single(stopped.UnwrittenRecords));
        Assert.Contains("never started", stopped.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => recorder.RecordAsync(record).AsTask());
        await Assert.ThrowsAsync<UsageRecordingException>(() => recorder.FlushAsync());
    }

    private static UsageLogWriter Writer() => new(new DomainDbContextFactory(DomainDbContextOptions.Create(ConnectionString)));
}
