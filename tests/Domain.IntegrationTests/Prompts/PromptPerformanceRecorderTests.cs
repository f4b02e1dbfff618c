using Domain.Application.Prompts;
using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence.Ledgers;
using Domain.Persistence.Rls;
using Domain.Prompts;

namespace Domain.IntegrationTests.Prompts;

/// <summary>
/// <see cref="PromptPerformanceRecorder"/> on the real database: the ledger machinery usage records use, writing
/// <c>prompt_performance</c> through the model-driven COPY writer, each record stored once.
/// </summary>
public sealed class PromptPerformanceRecorderTests(MigratedDatabase database) : DatabaseTest(database)
{
    /// <summary>A guard against hangs only: no test asserts how long anything takes.</summary>
    private static readonly TimeSpan Hang = TimeSpan.FromMinutes(5);

    private Guid _version;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var now = Clock.GetUtcNow();
        var prompt = SystemPrompt.Create("chat", "kimi", 0, null, now);
        var version = prompt.PublishVersion("Be brief.", null, null, now);
        prompt.Activate(version, now);
        await using var backend = Database.ContextFor(RlsClaims.Service);
        backend.SystemPrompts.Add(prompt);
        await backend.SaveChangesAsync();
        _version = version.Id;
    }

    [Fact]
    public async Task AHundredThousandRecordsEnqueued_ThenAStop_AreAllStoredOnce()
    {
        const int Records = 100_000;
        var recorder = new PromptPerformanceRecorder(
            new CopyLedgerWriter<PromptPerformanceRecord>(Database.Contexts), new PromptPerformanceRecorderOptions(), Clock);
        await recorder.StartAsync(default);
        var users = Enumerable.Range(0, 50).Select(_ => Guid.CreateVersion7()).ToArray();
        var now = Clock.GetUtcNow();

        for (var i = 0; i < Records; i++)
        {
            await recorder.RecordAsync(PromptPerformanceRecord.Create(
                users[i % users.Length], _version, i % 4_000, i % 2_500, i % 10 != 0, now.AddMilliseconds(-i),
                qualityScore: i % 3 == 0 ? (i % 101) / 100.0 : null, errorMessage: i % 10 == 0 ? $"failure {i}" : null));
        }

        await recorder.StopAsync(default).WaitAsync(Hang);

        Assert.Equal(Records, await Database.ScalarAsync<long>("SELECT count(*) FROM public.prompt_performance"));
        Assert.Equal(Records, await Database.ScalarAsync<long>("SELECT count(DISTINCT id) FROM public.prompt_performance"));
        Assert.Equal(Records / 10, await Database.ScalarAsync<long>("SELECT count(*) FROM public.prompt_performance WHERE NOT succeeded AND error_message IS NOT NULL"));
        await recorder.DisposeAsync();
    }

    [Fact]
    public async Task TheWriter_WhenSomeIdsAreStoredOrRepeated_WritesEachIdOnce()
    {
        var writer = new CopyLedgerWriter<PromptPerformanceRecord>(Database.Contexts);
        var records = Enumerable.Range(0, 10)
            .Select(i => PromptPerformanceRecord.Create(Guid.CreateVersion7(), _version, i, i * 10, true, Clock.GetUtcNow()))
            .ToArray();

        Assert.Equal("public.prompt_performance", writer.TableName);
        Assert.Equal(new LedgerAppendResult(5, 0), await writer.AppendAsync(records[..5]));
        Assert.Equal(new LedgerAppendResult(3, 3), await writer.AppendAsync([.. records[3..8], records[7]]));
        Assert.Equal(new LedgerAppendResult(2, 9), await writer.AppendAsync([.. records, records[9]], someMayBeStored: true));
        Assert.Equal(10L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.prompt_performance"));
    }

    [Fact]
    public async Task ARecordOfAnUnknownVersion_IsRefused_AndTheStopHandsItBack()
    {
        var recorder = new PromptPerformanceRecorder(
            new CopyLedgerWriter<PromptPerformanceRecord>(Database.Contexts), new PromptPerformanceRecorderOptions(), Clock);
        await recorder.StartAsync(default);
        var unknown = PromptPerformanceRecord.Create(Guid.CreateVersion7(), Guid.CreateVersion7(), 1, 1, true, Clock.GetUtcNow());

        await recorder.RecordAsync(unknown);
        var flush = await Assert.ThrowsAsync<PromptPerformanceRecordingException>(() => recorder.FlushAsync().WaitAsync(Hang));
        var stop = await Assert.ThrowsAsync<PromptPerformanceRecordingException>(() => recorder.StopAsync(default).WaitAsync(Hang));

        Assert.Equal(1, flush.UnwrittenCount);
        Assert.Equal([unknown], stop.UnwrittenRecords);
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.prompt_performance"));
        await recorder.DisposeAsync();
    }
}
