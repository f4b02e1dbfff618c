using System.Text.Json;
using Domain.Application;
using Domain.Application.Common;
using Domain.Application.Files;
using Domain.Application.Files.Deletion;
using Domain.Files;
using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence;
using Domain.Persistence.Files;
using Domain.Persistence.Rls;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Domain.IntegrationTests.Files;

/// <summary>
/// The deletion queue as a work queue: concurrent workers never run the same job; a worker that loses its connection
/// mid-job leaves a job another worker completes once the lease expires; failed attempts are retried with backoff and
/// recorded, and a job that keeps failing ends failed with its error while the file stays deleting; the hosted service
/// runs the workers; a user's deletion queues their files' removal.
/// </summary>
public sealed class FileDeletionQueueTests : DatabaseTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly ServiceProvider _services;
    private readonly RequestPipeline _pipeline;

    public FileDeletionQueueTests(MigratedDatabase database)
        : base(database)
    {
        _services = new ServiceCollection().AddSingleton(database.Contexts).AddDomainApplication().BuildServiceProvider();
        _pipeline = _services.GetRequiredService<RequestPipeline>();
    }

    public override async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await base.DisposeAsync();
    }

    /// <summary>Fast retries and short polls, as no deployment would set them.</summary>
    private static FileDeletionOptions Options(int maxAttempts = 5, TimeSpan? lease = null, int batchSize = 3) => new()
    {
        BatchSize = batchSize,
        PollInterval = TimeSpan.FromMilliseconds(20),
        Lease = lease ?? TimeSpan.FromMinutes(1),
        RemoveTimeout = TimeSpan.FromSeconds(10),
        MaxAttempts = maxAttempts,
        RetryDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryDelay = TimeSpan.FromMilliseconds(40),
    };

    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    public async Task ConcurrentWorkers_NeverRunTheSameJob_AndEveryFileEndsDeleted(int workerCount)
    {
        var users = new[] { await Database.CreateUserAsync(), await Database.CreateUserAsync(), await Database.CreateUserAsync() };
        foreach (var user in users)
        {
            for (var i = 0; i < 25; i++)
            {
                await Database.FileAsync(user, $"f{i}.pdf", "openai");
            }
        }

        await RequestDeletionOfEveryFileAsync();
        var storage = TestRemover.Storage();
        var openai = TestRemover.Provider("openai");
        storage.Behaviour = openai.Behaviour = (_, ct) => Task.Delay(1, ct);
        var removers = new FileRemovers([storage, openai]);

        var workers = Enumerable.Range(1, workerCount).Select(i => Worker(removers, Options(), $"worker-{i}")).ToList();
        await Task.WhenAll(workers.Select(w => Task.Run(async () =>
        {
            while (await w.RunOnceAsync() > 0)
            {
            }
        })));

        var jobs = await JobsAsync();
        Assert.Equal(150, jobs.Count);
        Assert.All(jobs, j => Assert.Equal((FileDeletionJobStatus.Succeeded, 1), (j.Status, j.Attempts)));
        var removals = storage.Removals.Concat(openai.Removals).ToList();
        Assert.Equal(jobs.Select(j => j.Id).Order(), removals.Select(r => r.JobId).Order());
        Assert.Equal(0, storage.Overlaps + openai.Overlaps);
        Assert.Equal(75L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.files WHERE status = 'deleted' AND deleted_at IS NOT NULL"));
        Assert.Equal(75L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.provider_file_uploads WHERE status = 'deleted'"));
        Assert.True(removals.Select(r => r.JobId).Distinct().Count() == removals.Count);
    }

    [Fact]
    public async Task AWorkerThatLosesItsConnectionMidJob_LeavesTheJob_ToAnotherWorkerOnceTheLeaseExpires()
    {
        var alice = await Database.CreateUserAsync();
        var file = await Database.FileAsync(alice, "cut-off.pdf");
        await RequestDeletionOfEveryFileAsync();

        await using var proxy = FaultyTcpProxy.Start(
            new NpgsqlConnectionStringBuilder(Database.AdminConnectionString).Host!, new NpgsqlConnectionStringBuilder(Database.AdminConnectionString).Port);
        await using var throughProxy = new ServiceCollection()
            .AddSingleton(new DomainDbContextFactory(DomainDbContextOptions.Create(proxy.Route(Database.AppConnectionString, $"doomed-worker-{Guid.NewGuid():N}"))))
            .AddDomainApplication()
            .BuildServiceProvider();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var proceed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var doomedRemover = TestRemover.Storage();
        doomedRemover.Behaviour = async (_, _) =>
        {
            started.SetResult();
            await proceed.Task;
        };
        var lease = TimeSpan.FromSeconds(2);
        var doomed = new FileDeletionWorker(
            throughProxy.GetRequiredService<RequestPipeline>(), new FileRemovers([doomedRemover]), Options(lease: lease, batchSize: 1), "doomed", TimeProvider.System);

        // The doomed worker claims the job and starts removing; its connection is cut before it can say it finished.
        var doomedRun = Task.Run(() => doomed.RunOnceAsync());
        await started.Task.WaitAsync(Patience);
        proxy.GoDown();
        proceed.SetResult();
        Assert.Equal(1, await doomedRun.WaitAsync(Patience));
        var stranded = Assert.Single(await JobsAsync());
        Assert.Equal((FileDeletionJobStatus.Running, "doomed", 1), (stranded.Status, stranded.LockedBy, stranded.Attempts));

        // Another worker cannot take it while the lease holds, and takes it once it has expired.
        var rescuerRemover = TestRemover.Storage();
        var rescuer = Worker(new FileRemovers([rescuerRemover]), Options(lease: lease, batchSize: 1), "rescuer");
        Assert.Equal(0, await rescuer.RunOnceAsync());
        await EventuallyAsync(async () => await rescuer.RunOnceAsync() == 1);

        var done = Assert.Single(await JobsAsync());
        Assert.Equal((FileDeletionJobStatus.Succeeded, 2), (done.Status, done.Attempts));
        var lost = Assert.Single(AttemptErrors(done));
        Assert.Equal((1, "doomed"), (lost.GetProperty("attempt").GetInt32(), lost.GetProperty("worker").GetString()));
        Assert.StartsWith("lease expired: doomed did not finish attempt 1", lost.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(FileStatus.Deleted, await StatusAsync(file.Id));
        Assert.Equal([2], rescuerRemover.Removals.Select(r => r.Attempt));
    }

    [Fact]
    public async Task ARemoverThatFailsThreeTimesThenSucceeds_EndsDeleted_WithEveryAttemptsError()
    {
        var alice = await Database.CreateUserAsync();
        var file = await Database.FileAsync(alice, "flaky.pdf");
        await RequestDeletionOfEveryFileAsync();
        var remover = TestRemover.Storage();
        remover.Behaviour = (removal, _) => removal.Attempt <= 3
            ? throw new IOException($"storage unavailable (try {removal.Attempt})")
            : Task.CompletedTask;
        var worker = Worker(new FileRemovers([remover]), Options(maxAttempts: 5), "flaky");

        await EventuallyAsync(async () =>
        {
            await worker.RunOnceAsync();
            return await StatusAsync(file.Id) == FileStatus.Deleted;
        });

        var job = Assert.Single(await JobsAsync());
        Assert.Equal((FileDeletionJobStatus.Succeeded, 4), (job.Status, job.Attempts));
        Assert.Equal(
            ["IOException: storage unavailable (try 1)", "IOException: storage unavailable (try 2)", "IOException: storage unavailable (try 3)"],
            AttemptErrors(job).Select(e => e.GetProperty("error").GetString()));
        Assert.Equal([1, 2, 3], AttemptErrors(job).Select(e => e.GetProperty("attempt").GetInt32()));
        Assert.Equal([1, 2, 3, 4], remover.Removals.Select(r => r.Attempt));
    }

    [Fact]
    public async Task ARemoverThatAlwaysFails_EndsFailedWithItsError_TheFileStaysDeleting_UntilAnOperatorRetries()
    {
        var aliceId = await Database.CreateUserAsync();
        var file = await Database.FileAsync(aliceId, "stuck.pdf", "openai");
        await RequestDeletionOfEveryFileAsync();
        var storage = TestRemover.Storage();
        var openai = TestRemover.Provider("openai");
        openai.Behaviour = (_, _) => throw new HttpRequestException("503 from the provider");
        var worker = Worker(new FileRemovers([storage, openai]), Options(maxAttempts: 3), "unlucky");

        await EventuallyAsync(async () =>
        {
            await worker.RunOnceAsync();
            return (await JobsAsync()).Single(j => j.Location == FileLocation.Provider).Status == FileDeletionJobStatus.Failed;
        });

        var failed = (await JobsAsync()).Single(j => j.Location == FileLocation.Provider);
        Assert.Equal((3, "HttpRequestException: 503 from the provider"), (failed.Attempts, failed.LastError));
        Assert.Equal(3, AttemptErrors(failed).Count);
        Assert.NotNull(failed.CompletedAt);
        Assert.Equal(FileDeletionJobStatus.Succeeded, (await JobsAsync()).Single(j => j.Location == FileLocation.Storage).Status);
        Assert.Equal(0, await worker.RunOnceAsync());
        var files = _services.GetRequiredService<FileStore>();
        Assert.Equal(FileStatus.Deleting, (await files.GetAsync(Caller.User(aliceId), file.Id))!.Status);

        // An operator fixes the cause and puts the job back (domain files retry): it starts over and succeeds.
        openai.Behaviour = (_, _) => Task.CompletedTask;
        Assert.Equal(1, await _pipeline.RunAsync(Caller.Service, (db, ct) => db.RetryFailedFileDeletionJobsAsync(null, ct), default));
        Assert.Equal(1, await worker.RunOnceAsync());
        Assert.Equal(FileStatus.Deleted, (await files.GetAsync(Caller.User(aliceId), file.Id))!.Status);
        var retried = (await JobsAsync()).Single(j => j.Location == FileLocation.Provider);
        Assert.Equal((FileDeletionJobStatus.Succeeded, 1, 3), (retried.Status, retried.Attempts, AttemptErrors(retried).Count));
    }

    [Fact]
    public async Task AJobWhoseWorkerDiesOnItsLastAttempt_EndsFailed_WhenTheLeaseExpires()
    {
        var alice = await Database.CreateUserAsync();
        var file = await Database.FileAsync(alice, "last-chance.pdf");
        await RequestDeletionOfEveryFileAsync();

        // A worker claims the only attempt and is never heard of again.
        var claimed = await _pipeline.RunAsync(
            Caller.Service,
            (db, ct) => db.ClaimFileDeletionJobsAsync("vanished", new FileDeletionPlaces(true, []), 1, TimeSpan.FromSeconds(1), 1, ct),
            default);
        Assert.Single(claimed);

        var remover = TestRemover.Storage();
        var worker = Worker(new FileRemovers([remover]), Options(maxAttempts: 1), "survivor");
        await EventuallyAsync(async () =>
        {
            await worker.RunOnceAsync();
            return Assert.Single(await JobsAsync()).Status == FileDeletionJobStatus.Failed;
        });

        var job = Assert.Single(await JobsAsync());
        Assert.StartsWith("lease expired: vanished", job.LastError, StringComparison.Ordinal);
        Assert.Empty(remover.Removals);
        Assert.Equal(FileStatus.Deleting, await StatusAsync(file.Id));
    }

    [Fact]
    public async Task AStoppingWorker_GivesBackTheJobsItHadNotFinished()
    {
        var alice = await Database.CreateUserAsync();
        for (var i = 0; i < 3; i++)
        {
            await Database.FileAsync(alice, $"s{i}.pdf");
        }

        await RequestDeletionOfEveryFileAsync();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var remover = TestRemover.Storage();
        remover.Behaviour = async (_, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
        };
        using var stopping = new CancellationTokenSource();
        var worker = Worker(new FileRemovers([remover]), Options(batchSize: 3), "stopping");

        var run = Task.Run(() => worker.RunOnceAsync(stopping.Token));
        await started.Task.WaitAsync(Patience);
        await stopping.CancelAsync();
        Assert.Equal(3, await run.WaitAsync(Patience));

        Assert.All(await JobsAsync(), j => Assert.Equal((FileDeletionJobStatus.Pending, 0, (string?)null), (j.Status, j.Attempts, j.LockedBy)));
    }

    [Fact]
    public async Task DeletingAUser_QueuesTheRemovalOfTheirFiles_WhichWorkersCarryOutWithoutTheRows()
    {
        var alice = await Database.CreateUserAsync();
        var kept = await Database.FileAsync(alice, "kept.pdf", "kimi");
        var deleting = await Database.FileAsync(alice, "deleting.pdf");
        await _pipeline.RunAsync(Caller.User(alice), (db, ct) => db.Files.Where(f => f.Id == deleting.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(f => f.Status, FileStatus.Deleting), ct), default);

        await TestServer.ExecuteAsync(Database.AdminConnectionString, $"DELETE FROM auth.users WHERE id = '{alice}'");

        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.files"));
        var jobs = await JobsAsync();
        Assert.Equal(
            [(deleting.Id, FileLocation.Storage, deleting.StoragePath), (kept.Id, FileLocation.Provider, kept.ProviderUploads.Single().ProviderFileId),
                (kept.Id, FileLocation.Storage, kept.StoragePath)],
            jobs.Select(j => (j.FileId, j.Location, j.Target)).OrderBy(j => j.FileId == deleting.Id ? 0 : 1).ThenBy(j => j.Location == FileLocation.Storage));
        var storage = TestRemover.Storage();
        var kimi = TestRemover.Provider("kimi");
        Assert.Equal(3, await Worker(new FileRemovers([storage, kimi]), Options(), "after-user").RunOnceAsync());
        Assert.All(await JobsAsync(), j => Assert.Equal(FileDeletionJobStatus.Succeeded, j.Status));
    }

    [Fact]
    public async Task TheHostedService_RunsTheWorkers_ForThePlacesWithARemover()
    {
        var aliceId = await Database.CreateUserAsync();
        var files = new List<StoredFile>();
        for (var i = 0; i < 10; i++)
        {
            files.Add(await Database.FileAsync(aliceId, $"h{i}.pdf", "openai"));
        }

        var storage = TestRemover.Storage();
        var openai = TestRemover.Provider("openai");
        await using var services = new ServiceCollection()
            .AddSingleton(Database.Contexts)
            .AddDomainApplication()
            .AddFileRemover(storage)
            .AddFileRemover(openai)
            .Configure<FileDeletionOptions>(o => (o.Workers, o.PollInterval, o.RetryDelay, o.MaxRetryDelay) =
                (4, TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(40)))
            .BuildServiceProvider();
        // As the host would start it (the other hosted services need the data layer's registrations, left out here).
        var service = ActivatorUtilities.CreateInstance<FileDeletionService>(services);
        var store = services.GetRequiredService<FileStore>();

        await service.StartAsync(default);
        try
        {
            foreach (var file in files)
            {
                await store.RequestDeletionAsync(Caller.User(aliceId), file.Id);
            }

            await EventuallyAsync(async () => await Database.ScalarAsync<long>("SELECT count(*) FROM public.files WHERE status = 'deleted'") == 10);
        }
        finally
        {
            await service.StopAsync(default);
        }

        Assert.Equal(20, storage.Removals.Count + openai.Removals.Count);
        Assert.Equal(0, storage.Overlaps + openai.Overlaps);
    }

    [Fact]
    public async Task WorkersClaimOnlyThePlacesTheyHaveARemoverFor()
    {
        var alice = await Database.CreateUserAsync();
        await Database.FileAsync(alice, "two-places.pdf", "kimi");
        await RequestDeletionOfEveryFileAsync();

        Assert.Equal(1, await Worker(new FileRemovers([TestRemover.Storage()]), Options(), "storage-only").RunOnceAsync());

        var jobs = await JobsAsync();
        Assert.Equal(FileDeletionJobStatus.Pending, jobs.Single(j => j.Provider == "kimi").Status);
        Assert.Equal(FileDeletionJobStatus.Succeeded, jobs.Single(j => j.Location == FileLocation.Storage).Status);
        Assert.Throws<InvalidOperationException>(() => new FileRemovers([TestRemover.Provider("kimi"), TestRemover.Provider("KIMI")]));
    }

    private FileDeletionWorker Worker(FileRemovers removers, FileDeletionOptions options, string name)
        => new(_pipeline, removers, options, name, TimeProvider.System);

    private Task RequestDeletionOfEveryFileAsync()
        => TestServer.ExecuteAsync(Database.AdminConnectionString, "UPDATE public.files SET status = 'deleting' WHERE status IN ('uploaded', 'ready')");

    private async Task<List<FileDeletionJob>> JobsAsync()
    {
        await using var db = Database.ContextFor(RlsClaims.Service);
        return await db.FileDeletionJobs.AsNoTracking().OrderBy(j => j.CreatedAt).ThenBy(j => j.Id).ToListAsync();
    }

    private async Task<FileStatus> StatusAsync(Guid fileId)
    {
        await using var db = Database.ContextFor(RlsClaims.Service);
        return await db.Files.Where(f => f.Id == fileId).Select(f => f.Status).SingleAsync();
    }

    private static List<JsonElement> AttemptErrors(FileDeletionJob job)
        => [.. JsonDocument.Parse(job.AttemptErrors).RootElement.EnumerateArray().Select(e => e.Clone())];

    /// <summary>Repeats <paramref name="condition"/> until it holds; a hang guard, not a timing assertion.</summary>
    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        using var patience = new CancellationTokenSource(Patience);
        while (!await condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), patience.Token);
        }
    }
}
