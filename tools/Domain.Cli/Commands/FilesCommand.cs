using System.CommandLine;
using System.Globalization;
using Domain.Application;
using Domain.Application.Common;
using Domain.Application.Files;
using Domain.DevDatabase;
using Domain.Files;
using Domain.Persistence;
using Domain.Persistence.Files;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Domain.Cli.Commands;

/// <summary>
/// <c>domain files orphans</c>: what the registry holds that nothing uses (every user's, as the service role);
/// <c>domain files jobs</c>: the deletion queue by status, with the failed jobs and their last error;
/// <c>domain files retry</c>: failed jobs back into the queue.
/// </summary>
internal static class FilesCommand
{
    public static Command Create()
    {
        var grace = new Option<TimeSpan?>("--grace")
        {
            Description = "Files created or opened within this long are not orphans yet (default 1.00:00:00, a day; 06:00:00 is six hours)",
            HelpName = "d.hh:mm:ss",
        };
        var limit = new Option<int>("--limit") { Description = "At most this many of each kind", DefaultValueFactory = _ => FindOrphansRequest.DefaultLimit };
        var orphans = new Command("orphans", "Files no conversation references and no job is deleting, files stuck uploaded, copies whose file is gone")
        {
            grace,
            limit,
        };
        orphans.SetAction(CliOutput.ReportingFailures((parseResult, ct) => OrphansAsync(parseResult, parseResult.GetValue(grace), parseResult.GetValue(limit), ct)));

        var jobs = new Command("jobs", "The deletion queue: jobs by status and place, and the failed ones with their last error") { limit };
        jobs.SetAction(CliOutput.ReportingFailures((parseResult, ct) => JobsAsync(parseResult, parseResult.GetValue(limit), ct)));

        var ids = new Option<Guid[]>("--job") { Description = "A failed job to retry (repeat for several); without it, every failed job", AllowMultipleArgumentsPerToken = true };
        var retry = new Command("retry", "Put failed deletion jobs back in the queue with every attempt (their history stays)") { ids };
        retry.SetAction(CliOutput.ReportingFailures((parseResult, ct) => RetryAsync(parseResult, parseResult.GetValue(ids), ct)));

        return new Command("files", "Operations on the file registry and its deletion queue") { orphans, jobs, retry };
    }

    private static async Task<int> OrphansAsync(ParseResult parseResult, TimeSpan? grace, int limit, CancellationToken ct)
    {
        await using var services = await Services.OpenAsync(parseResult, ct);
        var provider = services.Provider;
        var found = await provider.GetRequiredService<FileStore>().FindOrphansAsync(Caller.Service, new FindOrphansRequest(grace, limit), ct);
        var quiet = grace ?? FindOrphansRequest.DefaultGracePeriod;

        CliOutput.Field("unused", $"{Count(found.Unreferenced.Count, limit)} file(s) in use that no conversation references, untouched for {quiet}");
        foreach (var file in found.Unreferenced)
        {
            CliOutput.Line(FileLine(file));
        }

        CliOutput.Field("stuck", $"{Count(found.StuckUploaded.Count, limit)} file(s) still uploaded, never made ready, registered before {quiet} ago");
        foreach (var file in found.StuckUploaded)
        {
            CliOutput.Line(FileLine(file));
        }

        CliOutput.Field("copies", $"{Count(found.UploadsWithoutFile.Count, limit)} copies at providers still active whose file is deleting or deleted (no job covers them)");
        foreach (var upload in found.UploadsWithoutFile)
        {
            CliOutput.Line($"{upload.Provider} {upload.ProviderFileId}  of file {upload.FileId}  recorded {At(upload.CreatedAt)}");
        }

        return 0;
    }

    private static async Task<int> JobsAsync(ParseResult parseResult, int limit, CancellationToken ct)
    {
        await using var services = await Services.OpenAsync(parseResult, ct);
        var provider = services.Provider;
        await using var db = provider.GetRequiredService<DomainDbContextFactory>().AsServiceRole();
        var counts = await db.FileDeletionJobs.GroupBy(j => new { j.Status, j.Location, j.Provider })
            .Select(g => new { g.Key.Status, g.Key.Location, g.Key.Provider, Count = g.Count(), Oldest = g.Min(j => j.CreatedAt) })
            .ToListAsync(ct);
        CliOutput.Field("queue", counts.Count == 0 ? "empty" : $"{counts.Sum(c => c.Count)} job(s)");
        foreach (var c in counts.OrderBy(c => c.Status).ThenBy(c => c.Location).ThenBy(c => c.Provider))
        {
            var place = c.Location == FileLocation.Storage ? "storage" : $"provider {c.Provider}";
            CliOutput.Line($"{c.Status.ToString().ToLowerInvariant(),-10}{place,-24}{c.Count,7}  oldest queued {At(c.Oldest)}");
        }

        var failed = await db.FileDeletionJobs.AsNoTracking().Where(j => j.Status == FileDeletionJobStatus.Failed)
            .OrderBy(j => j.CompletedAt).Take(limit).ToListAsync(ct);
        if (failed.Count > 0)
        {
            CliOutput.Blank();
            CliOutput.Heading("failed jobs (files stay deleting until retried: domain files retry)");
            foreach (var job in failed)
            {
                CliOutput.Line($"{job.Id}  file {job.FileId}  {job.Target}  {job.Attempts} attempt(s), failed {At(job.CompletedAt)}: {job.LastError}");
            }
        }

        return 0;
    }

    private static async Task<int> RetryAsync(ParseResult parseResult, Guid[]? jobIds, CancellationToken ct)
    {
        await using var services = await Services.OpenAsync(parseResult, ct);
        var provider = services.Provider;
        var retried = await provider.GetRequiredService<RequestPipeline>().RunAsync(
            Caller.Service, (db, c) => db.RetryFailedFileDeletionJobsAsync(jobIds is { Length: > 0 } ? jobIds : null, c), ct);
        CliOutput.Field("retry", $"{retried} failed job(s) back in the queue");
        return 0;
    }

    private static string FileLine(FileDto file)
        => $"{file.Id}  user {file.UserId}  {file.StoragePath}  {file.SizeBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes  "
            + $"{file.Status.ToString().ToLowerInvariant()}  created {At(file.CreatedAt)}"
            + (file.LastAccessedAt is { } opened ? $", last opened {At(opened)}" : string.Empty);

    private static string Count(int count, int limit) => count >= limit ? $"{count}+" : count.ToString(CultureInfo.InvariantCulture);

    private static string At(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "-";

    /// <summary>The database and the application's services on it, as the conversations command builds them.</summary>
    private sealed class Services(ProvisionedDatabase database, ServiceProvider provider) : IAsyncDisposable
    {
        public ServiceProvider Provider { get; } = provider;

        public static async Task<Services> OpenAsync(ParseResult parseResult, CancellationToken ct)
        {
            var database = await CliConnection.OpenAsync(parseResult, ct);
            CliOutput.Field("server", CliConnection.Describe(database));
            var provider = new ServiceCollection()
                .AddDomainPersistence(database.OwnerConnectionString)
                .AddDomainApplication()
                .BuildServiceProvider();
            return new Services(database, provider);
        }

        public async ValueTask DisposeAsync()
        {
            await Provider.DisposeAsync();
            await database.DisposeAsync();
        }
    }
}
