using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Domain.Application.Common;
using Domain.Application.Files.Access;
using Domain.Application.Files.Deletion;
using Domain.Persistence.Files;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Domain.Benchmarks;

/// <summary>
/// The deletion queue's throughput: 1,000 jobs (500 files, each stored and copied to one provider) queued by the
/// database's trigger before each iteration, then claimed and completed by 4 concurrent workers until none is left.
/// The removers do nothing, so what is measured is the queue: claims (<c>FOR UPDATE SKIP LOCKED</c> with a lease) and
/// completions (whose trigger locks the file, marks the copy, and marks the file deleted after its last job).
/// <list type="bullet">
/// <item><b>Workers</b>: this project's <see cref="FileDeletionWorker"/>s, as the service role through EF's raw SQL
/// path (the claims statement prepended to every command);</item>
/// <item><b>Npgsql</b>: the same two statements as raw prepared Npgsql loops on the owner's connection (no claims, no
/// EF): the baseline.</item>
/// </list>
/// </summary>
[BenchmarkCategory("claim and complete 1,000 deletion jobs with 4 workers")]
[InvocationCount(1)]
public class DeletionQueue : Scenario
{
    public const int Jobs = 1_000;
    private const int Workers = 4;
    private static readonly FileDeletionPlaces Places = new(true, ["openai"]);

    private RequestPipeline _pipeline = null!;
    private FileRemovers _removers = null!;

    /// <summary>Jobs a worker claims per statement (the options' default is 5).</summary>
    [Params(1, 5, 20)]
    public int BatchSize { get; set; } = 5;

    [GlobalSetup]
    public void CreateWorkers()
    {
        _pipeline = new RequestPipeline(Db.AppContexts, NoServices.Instance);
        _removers = new FileRemovers([new NoOpRemover(FilePlace.Storage), new NoOpRemover(FilePlace.AtProvider("openai"))]);
    }

    [IterationSetup]
    public void QueueJobs() => QueueJobsAsync(NextUser().Id).GetAwaiter().GetResult();

    [IterationCleanup]
    public void RemoveDone() => ExecuteAsync("""
        DELETE FROM public.files WHERE status = 'deleted';
        DELETE FROM domain_ops.file_deletion_jobs WHERE status = 'succeeded';
        """).GetAwaiter().GetResult();

    [Benchmark]
    public Task Workers4()
    {
        var options = new FileDeletionOptions { BatchSize = BatchSize };
        return Task.WhenAll(Enumerable.Range(1, Workers).Select(i =>
        {
            var worker = new FileDeletionWorker(_pipeline, _removers, options, $"bench-{i}", TimeProvider.System);
            return Task.Run(async () =>
            {
                while (await worker.RunOnceAsync() > 0)
                {
                }
            });
        }));
    }

    [Benchmark(Baseline = true)]
    public Task Npgsql()
        => Task.WhenAll(Enumerable.Range(1, Workers).Select(i => Task.Run(() => RawWorkerAsync($"raw-{i}"))));

    private async Task RawWorkerAsync(string name)
    {
        await using var connection = await Db.OwnerDataSource.OpenConnectionAsync();
        await using var claim = new NpgsqlCommand(FileDeletionQueueCommands.ClaimSql, connection);
        claim.Parameters.Add(new NpgsqlParameter("storage", NpgsqlDbType.Boolean) { Value = Places.Storage });
        claim.Parameters.Add(new NpgsqlParameter("providers", NpgsqlDbType.Array | NpgsqlDbType.Varchar) { Value = Places.Providers.ToArray() });
        claim.Parameters.Add(new NpgsqlParameter("batch_size", NpgsqlDbType.Integer) { Value = BatchSize });
        claim.Parameters.Add(new NpgsqlParameter("max_attempts", NpgsqlDbType.Integer) { Value = 8 });
        claim.Parameters.Add(new NpgsqlParameter("worker", NpgsqlDbType.Varchar) { Value = name });
        claim.Parameters.Add(new NpgsqlParameter("lease", NpgsqlDbType.Interval) { Value = TimeSpan.FromMinutes(5) });
        await claim.PrepareAsync();
        await using var complete = new NpgsqlCommand(FileDeletionQueueCommands.CompleteSql, connection);
        var id = complete.Parameters.Add(new NpgsqlParameter("id", NpgsqlDbType.Uuid));
        await complete.PrepareAsync();
        while (true)
        {
            var claimed = new List<Guid>(BatchSize);
            await using (var reader = await claim.ExecuteReaderAsync())
            {
                var idColumn = reader.GetOrdinal("id");
                while (await reader.ReadAsync())
                {
                    claimed.Add(reader.GetGuid(idColumn));
                }
            }

            if (claimed.Count == 0)
            {
                return;
            }

            foreach (var job in claimed)
            {
                id.Value = job;
                await complete.ExecuteNonQueryAsync();
            }
        }
    }

    /// <summary>500 files of <paramref name="user"/>, each with a copy at openai, then their deletion requested in one statement: 1,000 jobs.</summary>
    private static async Task QueueJobsAsync(Guid user)
    {
        var ids = Enumerable.Range(0, Jobs / 2).Select(_ => Guid.CreateVersion7()).ToArray();
        await using var connection = await Db.OwnerDataSource.OpenConnectionAsync();
        await using (var files = await connection.BeginBinaryImportAsync(
            "COPY public.files (id, user_id, storage_path, original_name, mime_type, size_bytes, sha256, file_type, status) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var id in ids)
            {
                await files.StartRowAsync();
                await files.WriteAsync(id, NpgsqlDbType.Uuid);
                await files.WriteAsync(user, NpgsqlDbType.Uuid);
                await files.WriteAsync($"bench/{id}", NpgsqlDbType.Varchar);
                await files.WriteAsync("bench.pdf", NpgsqlDbType.Varchar);
                await files.WriteAsync("application/pdf", NpgsqlDbType.Varchar);
                await files.WriteAsync(1_000L, NpgsqlDbType.Bigint);
                await files.WriteAsync(Convert.ToHexStringLower(id.ToByteArray()) + Convert.ToHexStringLower(id.ToByteArray()), NpgsqlDbType.Varchar);
                await files.WriteAsync("document", "public.file_type");
                await files.WriteAsync("ready", "public.file_status");
            }

            await files.CompleteAsync();
        }

        await using (var copies = await connection.BeginBinaryImportAsync(
            "COPY public.provider_file_uploads (id, file_id, user_id, provider, provider_file_id, status) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var id in ids)
            {
                await copies.StartRowAsync();
                await copies.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                await copies.WriteAsync(id, NpgsqlDbType.Uuid);
                await copies.WriteAsync(user, NpgsqlDbType.Uuid);
                await copies.WriteAsync("openai", NpgsqlDbType.Varchar);
                await copies.WriteAsync($"file-{id:N}", NpgsqlDbType.Varchar);
                await copies.WriteAsync("active", "public.provider_upload_status");
            }

            await copies.CompleteAsync();
        }

        await using var request = new NpgsqlCommand("UPDATE public.files SET status = 'deleting' WHERE id = ANY (@ids)", connection);
        request.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = ids });
        await request.ExecuteNonQueryAsync();
    }

    private static async Task ExecuteAsync(string sql)
    {
        await using var connection = await Db.OwnerDataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private sealed class NoOpRemover(FilePlace place) : IFileRemover
    {
        public FilePlace Place { get; } = place;

        public Task RemoveAsync(FileRemoval removal, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>
/// What counting 1,000 reads of one file costs, written per read against coalesced (issue 13, item 4):
/// <list type="bullet">
/// <item><b>Npgsql</b> (baseline): one prepared <c>UPDATE ... SET access_count = access_count + 1</c> per read, one
/// connection: 1,000 updates of one row, each a new row version;</item>
/// <item><b>NpgsqlEightReaders</b>: the same 1,000 updates from 8 connections at once, as 8 concurrent readers would
/// write them: each waits for the row lock the previous one holds;</item>
/// <item><b>Recorder</b>: 1,000 <see cref="FileAccessRecorder.Record"/> calls (memory only), then one
/// <see cref="FileAccessRecorder.FlushAsync"/>: one statement, one new row version, as the service role.</item>
/// </list>
/// </summary>
[BenchmarkCategory("count 1,000 reads of one file")]
public class CountReads : Scenario
{
    public const int Reads = 1_000;
    private const string UpdatePerRead = "UPDATE public.files SET access_count = access_count + 1, last_accessed_at = now() WHERE id = $1";

    private Guid _file;
    private FileAccessRecorder _recorder = null!;

    [GlobalSetup]
    public async Task CreateFileAsync()
    {
        _file = Guid.CreateVersion7();
        await using var connection = await Db.OwnerDataSource.OpenConnectionAsync();
        await using var insert = new NpgsqlCommand(
            "INSERT INTO public.files (id, user_id, storage_path, original_name, mime_type, size_bytes, sha256, file_type, status) "
            + "VALUES ($1, $2, $3, 'popular.pdf', 'application/pdf', 1000, $4, 'document', 'ready')",
            connection);
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = _file });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = NextUser().Id });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Varchar, Value = $"bench/popular/{_file}" });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Varchar, Value = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)) });
        await insert.ExecuteNonQueryAsync();
        _recorder = new FileAccessRecorder(
            new RequestPipeline(Db.AppContexts, NoServices.Instance), TimeProvider.System, Options.Create(new FileAccessOptions()));
    }

    [GlobalCleanup]
    public void DisposeRecorder() => _recorder.Dispose();

    [Benchmark]
    public async Task<FileAccessFlush> Recorder()
    {
        for (var i = 0; i < Reads; i++)
        {
            _recorder.Record(_file);
        }

        return await _recorder.FlushAsync();
    }

    [Benchmark(Baseline = true)]
    public async Task Npgsql()
    {
        await using var connection = await Db.OwnerDataSource.OpenConnectionAsync();
        await using var command = await PreparedAsync(connection, UpdatePerRead, (NpgsqlDbType.Uuid, _file));
        for (var i = 0; i < Reads; i++)
        {
            await command.ExecuteNonQueryAsync();
        }
    }

    [Benchmark]
    public Task NpgsqlEightReaders() => Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
    {
        await using var connection = await Db.OwnerDataSource.OpenConnectionAsync();
        await using var command = await PreparedAsync(connection, UpdatePerRead, (NpgsqlDbType.Uuid, _file));
        for (var i = 0; i < Reads / 8; i++)
        {
            await command.ExecuteNonQueryAsync();
        }
    })));
}

/// <summary>The request pipeline's service provider, for operations that take no request (nothing to validate).</summary>
internal sealed class NoServices : IServiceProvider
{
    public static NoServices Instance { get; } = new();

    public object? GetService(Type serviceType) => null;
}
