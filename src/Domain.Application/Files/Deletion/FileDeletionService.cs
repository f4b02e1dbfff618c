using Domain.Application.Common;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Domain.Application.Files.Deletion;

/// <summary>
/// Runs <see cref="FileDeletionOptions.Workers"/> <see cref="FileDeletionWorker"/>s while the host runs, for the places
/// the application registered an <see cref="IFileRemover"/> for. Thin on purpose: claiming, leases, retries and
/// outcomes are the worker's and the queue's. Any number of processes may run it against one database; their workers
/// never run the same job. Without a remover, or with no workers configured, it runs nothing (and says so).
/// </summary>
public sealed partial class FileDeletionService(
    RequestPipeline pipeline, FileRemovers removers, TimeProvider clock, IOptions<FileDeletionOptions> options, ILogger<FileDeletionService>? logger = null)
    : BackgroundService
{
    private readonly ILogger _logger = logger ?? NullLogger<FileDeletionService>.Instance;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (settings.Workers == 0 || removers.IsEmpty)
        {
            LogNotRunning(settings.Workers, removers.IsEmpty);
            return Task.CompletedTask;
        }

        // Unique among every process working the queue, and recognisable in locked_by: host, process, this service, worker.
        var prefix = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}";
        var workers = Enumerable.Range(1, settings.Workers)
            .Select(i => new FileDeletionWorker(pipeline, removers, settings, $"{prefix}:{i}", clock, _logger))
            .ToList();
        var places = removers.Places;
        LogRunning(workers.Count, places.Storage, string.Join(", ", places.Providers));
        return Task.WhenAll(workers.Select(w => Task.Run(() => w.RunAsync(stoppingToken), CancellationToken.None)));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "File deletion: {Workers} workers for storage ({Storage}) and providers [{Providers}]")]
    private partial void LogRunning(int workers, bool storage, string providers);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "File deletion runs no workers in this process (workers: {Workers}, no remover registered: {NoRemover}); deletion jobs wait in the queue")]
    private partial void LogNotRunning(int workers, bool noRemover);
}
