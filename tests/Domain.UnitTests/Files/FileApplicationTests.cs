using Domain.Application;
using Domain.Application.Files;
using Domain.Application.Files.Access;
using Domain.Application.Files.Deletion;
using Domain.Files;
using Domain.Persistence;
using FluentValidation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Domain.UnitTests.Files;

public sealed class FileApplicationTests
{
    /// <summary>Parsed, never opened: these tests need no database.</summary>
    private const string ConnectionString = "Host=localhost;Database=domain_unit;Username=nobody;Password=unused";

    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private const string Digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    [Fact]
    public void PendingAccesses_CoalescePerFile_KeepingTheNewestTime()
    {
        var pending = new PendingFileAccesses();
        var (a, b) = (Guid.CreateVersion7(), Guid.CreateVersion7());

        for (var i = 0; i < 1_000; i++)
        {
            pending.Add(a, Now.AddMilliseconds(i % 7 == 0 ? -i : i));
        }

        Assert.Equal(2, pending.Add(b, Now));
        var taken = pending.TakeAll().ToDictionary(t => t.FileId);

        Assert.Equal((1_000L, Now.AddMilliseconds(999)), (taken[a].Count, taken[a].LastAccessedAt));
        Assert.Equal(1L, taken[b].Count);
        Assert.Equal(0, pending.Files);
    }

    [Fact]
    public void PendingAccesses_PutBack_MergeWithWhatCameSince()
    {
        var pending = new PendingFileAccesses();
        var file = Guid.CreateVersion7();
        pending.Add(file, Now);
        var taken = pending.TakeAll();
        pending.Add(file, Now.AddSeconds(5));

        pending.Restore(taken);

        var tally = Assert.Single(pending.TakeAll());
        Assert.Equal((2L, Now.AddSeconds(5)), (tally.Count, tally.LastAccessedAt));
    }

    [Fact]
    public async Task PendingAccesses_FromManyThreads_LoseNothing()
    {
        var pending = new PendingFileAccesses();
        var files = Enumerable.Range(0, 10).Select(_ => Guid.CreateVersion7()).ToArray();
        long taken = 0;
        var adders = Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                pending.Add(files[(t + i) % files.Length], Now);
            }
        })).ToList();
        while (!adders.TrueForAll(a => a.IsCompleted))
        {
            taken += pending.TakeAll().Sum(t => t.Count);
            await Task.Yield();
        }

        taken += pending.TakeAll().Sum(t => t.Count);
        Assert.Equal(80_000L, taken);
    }

    public static TheoryData<string, Action<FileDeletionOptions>> BadDeletionOptions => new()
    {
        { nameof(FileDeletionOptions.Workers), o => o.Workers = -1 },
        { nameof(FileDeletionOptions.BatchSize), o => o.BatchSize = 0 },
        { nameof(FileDeletionOptions.PollInterval), o => o.PollInterval = TimeSpan.Zero },
        { nameof(FileDeletionOptions.RemoveTimeout), o => o.RemoveTimeout = TimeSpan.Zero },
        { nameof(FileDeletionOptions.MaxAttempts), o => o.MaxAttempts = 0 },
        { nameof(FileDeletionOptions.RetryDelay), o => o.RetryDelay = TimeSpan.FromSeconds(-1) },
        { nameof(FileDeletionOptions.MaxRetryDelay), o => (o.RetryDelay, o.MaxRetryDelay) = (TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(1)) },
        { nameof(FileDeletionOptions.Lease), o => (o.BatchSize, o.RemoveTimeout, o.Lease) = (10, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10)) },
    };

    [Fact]
    public void DeletionOptions_Defaults_AreValid()
    {
        Assert.True(new FileDeletionOptionsValidator().Validate(null, new FileDeletionOptions()).Succeeded);
        Assert.True(new FileAccessOptionsValidator().Validate(null, new FileAccessOptions()).Succeeded);
    }

    [Theory]
    [MemberData(nameof(BadDeletionOptions))]
    public void DeletionOptions_OutOfRange_FailNamingTheOption(string option, Action<FileDeletionOptions> breakIt)
    {
        var options = new FileDeletionOptions();
        breakIt(options);

        var result = new FileDeletionOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains($"FileDeletionOptions.{option} must be", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void AccessOptions_OutOfRange_FailNamingTheOption()
    {
        var result = new FileAccessOptionsValidator().Validate(null, new FileAccessOptions { FlushInterval = TimeSpan.Zero, FlushThreshold = 0 });

        Assert.Contains("FileAccessOptions.FlushInterval", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("FileAccessOptions.FlushThreshold", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddDomainApplication_RegistersTheAccessRecorderAndTheDeletionService_AndChecksTheirOptions()
    {
        await using var provider = new ServiceCollection()
            .AddLogging()
            .AddDomainPersistence(ConnectionString)
            .AddDomainApplication()
            .AddFileRemover(new NoRemover(FilePlace.Storage))
            .Configure<FileDeletionOptions>(o => o.MaxAttempts = 0)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var hosted = provider.GetServices<IHostedService>().ToList();
        Assert.Contains(hosted, s => ReferenceEquals(s, provider.GetRequiredService<FileAccessRecorder>()));
        Assert.Single(hosted.OfType<FileDeletionService>());
        Assert.Equal(new Domain.Persistence.Files.FileDeletionPlaces(true, []), provider.GetRequiredService<FileRemovers>().Places with { Providers = [] });
        var invalid = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FileDeletionOptions>>().Value);
        Assert.Contains("FileDeletionOptions.MaxAttempts", invalid.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FileRemovers_OnePerPlace_ProvidersInLowerCase()
    {
        var removers = new FileRemovers([new NoRemover(FilePlace.AtProvider("OpenAI")), new NoRemover(FilePlace.AtProvider("kimi")), new NoRemover(FilePlace.Storage)]);

        Assert.True(removers.Places.Storage);
        Assert.Equal(["kimi", "openai"], removers.Places.Providers);
        var twice = Assert.Throws<InvalidOperationException>(() => new FileRemovers([new NoRemover(FilePlace.AtProvider("kimi")), new NoRemover(FilePlace.AtProvider("Kimi"))]));
        Assert.Contains("provider kimi", twice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFailedAttemptsError_IsTheExceptionsTypeAndMessage_Storable_AndCut()
    {
        Assert.Equal("IOException: disk gone", FileDeletionWorker.ErrorOf(new IOException("disk gone"), timedOut: false));
        Assert.Equal("the remover did not finish within the remove timeout", FileDeletionWorker.ErrorOf(new TaskCanceledException(), timedOut: true));
        Assert.Equal("InvalidOperationException: a b", FileDeletionWorker.ErrorOf(new InvalidOperationException("a\0b"), timedOut: false));
        var long_ = FileDeletionWorker.ErrorOf(new InvalidOperationException(new string('x', 5_000)), timedOut: false);
        Assert.Equal(FileLimits.DeletionErrorMaxLength, long_.Length);
        Assert.EndsWith("…", long_, StringComparison.Ordinal);
    }

    [Fact]
    public void RegisterRequest_OutsideTheLimits_FailsNamingTheField()
    {
        var validator = new RegisterFileRequestValidator();
        var good = new RegisterFileRequest("user-files/a/report.pdf", "report.pdf", "application/pdf", FileLimits.MaxSizeBytes, Digest);

        Assert.True(validator.Validate(good).IsValid);
        Assert.Equal(["SizeBytes"], validator.Validate(good with { SizeBytes = FileLimits.MaxSizeBytes + 1 }).Errors.Select(e => e.PropertyName));
        Assert.Equal(["Sha256"], validator.Validate(good with { Sha256 = Digest[..60] }).Errors.Select(e => e.PropertyName));
        Assert.Equal(["MimeType"], validator.Validate(good with { MimeType = "pdf" }).Errors.Select(e => e.PropertyName));
        Assert.Equal(["FileType"], validator.Validate(good with { FileType = (FileType)99 }).Errors.Select(e => e.PropertyName));
        Assert.Equal(["Metadata"], validator.Validate(good with { Metadata = "[1]" }).Errors.Select(e => e.PropertyName));
        var empty = validator.Validate(new RegisterFileRequest(null!, null!, null!, 0, null!));
        Assert.Equal(["MimeType", "OriginalName", "Sha256", "StoragePath"], empty.Errors.Select(e => e.PropertyName).Distinct().Order());
    }

    private sealed class NoRemover(FilePlace place) : IFileRemover
    {
        public FilePlace Place { get; } = place;

        public Task RemoveAsync(FileRemoval removal, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
