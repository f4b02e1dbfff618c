using Domain.Application;
using Domain.Application.Common;
using Domain.Application.Files;
using Domain.Application.Files.Access;
using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Domain.IntegrationTests.Files;

/// <summary>
/// Access tracking without write amplification: a thousand reads of one file are one update of its row, recording an
/// access never makes a reader wait, and a flush skips a row another transaction holds instead of waiting for it.
/// </summary>
public sealed class FileAccessTests : DatabaseTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly CommandCounter _commands = new();
    private readonly ServiceProvider _services;
    private readonly FileStore _store;
    private readonly FileAccessRecorder _recorder;

    public FileAccessTests(MigratedDatabase database)
        : base(database)
    {
        _services = new ServiceCollection()
            .AddSingleton(_commands.ContextsFor(database.AppConnectionString))
            .AddDomainApplication()
            .Configure<FileAccessOptions>(o => o.FlushInterval = TimeSpan.FromHours(1))
            .BuildServiceProvider();
        _store = _services.GetRequiredService<FileStore>();
        _recorder = _services.GetRequiredService<FileAccessRecorder>();
    }

    public override async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task AThousandConcurrentReadsOfOneFile_AreOneUpdateOfItsRow()
    {
        var aliceId = await Database.CreateUserAsync();
        var file = await Database.FileAsync(aliceId, "popular.pdf");
        var updatedAt = await Database.ScalarAsync<DateTime>("SELECT updated_at FROM public.files WHERE id = @id", ("id", file.Id));

        await Task.WhenAll(Enumerable.Range(0, 1_000).Select(_ => Task.Run(() => _store.OpenAsync(Caller.User(aliceId), file.Id))));
        Assert.Equal(0L, await AccessCountAsync(file.Id));
        Assert.Empty(Updates());

        Assert.Equal(new FileAccessFlush(1, 0), await _recorder.FlushAsync());

        Assert.Equal(1_000L, await AccessCountAsync(file.Id));
        Assert.Single(Updates());
        Assert.NotNull(await Database.ScalarAsync<DateTime?>("SELECT last_accessed_at FROM public.files WHERE id = @id", ("id", file.Id)));
        Assert.Equal(updatedAt, await Database.ScalarAsync<DateTime>("SELECT updated_at FROM public.files WHERE id = @id", ("id", file.Id)));
        Assert.Equal(new FileAccessFlush(0, 0), await _recorder.FlushAsync());
    }

    [Fact]
    public async Task ManyFiles_AreOneStatementPerFlush()
    {
        var aliceId = await Database.CreateUserAsync();
        var files = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            files.Add((await Database.FileAsync(aliceId, $"m{i}.pdf")).Id);
        }

        foreach (var (id, times) in files.Select((id, i) => (id, i + 1)))
        {
            for (var t = 0; t < times; t++)
            {
                await _store.OpenAsync(Caller.User(aliceId), id);
            }
        }

        Assert.Equal(new FileAccessFlush(20, 0), await _recorder.FlushAsync());
        Assert.Single(Updates());
        Assert.Equal(210L, await Database.ScalarAsync<long>("SELECT sum(access_count)::bigint FROM public.files"));
    }

    [Fact]
    public async Task AFlush_DoesNotWaitForARowAWriterHolds_AndNoReaderWaitsForEither()
    {
        var aliceId = await Database.CreateUserAsync();
        var file = await Database.FileAsync(aliceId, "busy.pdf");
        await using var writer = new NpgsqlConnection(Database.AdminConnectionString);
        await writer.OpenAsync();
        await using var transaction = await writer.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand($"SELECT 1 FROM public.files WHERE id = '{file.Id}' FOR UPDATE", writer, transaction))
        {
            await hold.ExecuteNonQueryAsync();
        }

        // While a writer holds the row: reading it, counting the access and flushing all return.
        for (var i = 0; i < 5; i++)
        {
            await _store.OpenAsync(Caller.User(aliceId), file.Id).WaitAsync(Patience);
        }

        Assert.Equal(new FileAccessFlush(0, 1), await _recorder.FlushAsync().WaitAsync(Patience));
        Assert.Equal(1, _recorder.Waiting);

        await transaction.CommitAsync();
        await _store.OpenAsync(Caller.User(aliceId), file.Id);
        Assert.Equal(new FileAccessFlush(1, 0), await _recorder.FlushAsync());
        Assert.Equal(6L, await AccessCountAsync(file.Id));
    }

    [Fact]
    public async Task Stopping_WritesWhatWaits_AndADeletedFilesAccessesAreDropped()
    {
        var aliceId = await Database.CreateUserAsync();
        var file = await Database.FileAsync(aliceId, "last.pdf");
        await _recorder.StartAsync(default);
        await _store.OpenAsync(Caller.User(aliceId), file.Id);
        _recorder.Record(Guid.CreateVersion7());

        await _recorder.StopAsync(default);

        Assert.Equal(1L, await AccessCountAsync(file.Id));
        Assert.Equal(0, _recorder.Waiting);
    }

    [Fact]
    public async Task TheRecorder_FlushesByItself_EveryInterval()
    {
        var aliceId = await Database.CreateUserAsync();
        var file = await Database.FileAsync(aliceId, "periodic.pdf");
        await using var services = new ServiceCollection()
            .AddSingleton(Database.Contexts)
            .AddDomainApplication()
            .Configure<FileAccessOptions>(o => o.FlushInterval = TimeSpan.FromMilliseconds(50))
            .BuildServiceProvider();
        var recorder = services.GetRequiredService<FileAccessRecorder>();
        await recorder.StartAsync(default);
        try
        {
            for (var i = 0; i < 3; i++)
            {
                await services.GetRequiredService<FileStore>().OpenAsync(Caller.User(aliceId), file.Id);
            }

            using var patience = new CancellationTokenSource(Patience);
            while (await AccessCountAsync(file.Id) < 3)
            {
                await Task.Delay(20, patience.Token);
            }
        }
        finally
        {
            await recorder.StopAsync(default);
        }

        Assert.Equal(3L, await AccessCountAsync(file.Id));
    }

    private List<string> Updates() => [.. _commands.Commands.Where(c => c.Contains("UPDATE public.files", StringComparison.Ordinal))];

    private async Task<long> AccessCountAsync(Guid fileId)
        => await Database.ScalarAsync<long>("SELECT access_count FROM public.files WHERE id = @id", ("id", fileId));
}
