using Domain.IntegrationTests.Infrastructure;

namespace Domain.IntegrationTests.Files;

/// <summary><c>domain files orphans</c>, <c>jobs</c> and <c>retry</c>, run as the real command-line tool against the test database.</summary>
public sealed class FilesCommandTests(MigratedDatabase database) : DatabaseTest(database)
{
    [Fact]
    public async Task Orphans_ListEveryUsersOrphans_AndJobsShowTheQueue_AndRetryPutsFailedJobsBack()
    {
        var (alice, bob) = (await Database.CreateUserAsync(), await Database.CreateUserAsync());
        var lonely = await Database.FileAsync(alice, "lonely.pdf");
        var stuck = await Database.FileAsync(bob, "stuck.pdf");
        var gone = await Database.FileAsync(bob, "gone.pdf", "kimi");
        await Database.ConversationWithFilesAsync(alice, await Database.FileAsync(alice, "attached.pdf"));
        await TestServer.ExecuteAsync(Database.AdminConnectionString, $"""
            UPDATE public.files SET status = 'ready' WHERE id = '{lonely.Id}';
            UPDATE public.files SET status = 'deleting' WHERE id = '{gone.Id}';
            UPDATE domain_ops.file_deletion_jobs SET status = 'failed', attempts = 8, last_error = 'HttpRequestException: 503'
             WHERE file_id = '{gone.Id}' AND location = 'provider';
            """);

        var orphans = await CliRunner.RunAsync("files", "orphans", "--grace", "00:00:00", "--connection", Database.AdminConnectionString);
        Assert.True(orphans.ExitCode == 0, orphans.Error);
        Assert.Contains("unused      2 file(s)", orphans.Output, StringComparison.Ordinal);
        Assert.Contains(lonely.StoragePath, orphans.Output, StringComparison.Ordinal);
        Assert.Contains(stuck.StoragePath, orphans.Output, StringComparison.Ordinal);
        Assert.Contains("stuck       2 file(s)", orphans.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(gone.StoragePath, orphans.Output, StringComparison.Ordinal);

        var jobs = await CliRunner.RunAsync("files", "jobs", "--connection", Database.AdminConnectionString);
        Assert.True(jobs.ExitCode == 0, jobs.Error);
        Assert.Contains("queue       2 job(s)", jobs.Output, StringComparison.Ordinal);
        Assert.Contains("HttpRequestException: 503", jobs.Output, StringComparison.Ordinal);

        var retry = await CliRunner.RunAsync("files", "retry", "--connection", Database.AdminConnectionString);
        Assert.True(retry.ExitCode == 0, retry.Error);
        Assert.Contains("1 failed job(s) back in the queue", retry.Output, StringComparison.Ordinal);
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM domain_ops.file_deletion_jobs WHERE status = 'failed'"));
    }
}
