using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Domain.Application.Conversations;

/// <summary>
/// Runs <see cref="ConversationCleanup"/> every <see cref="ConversationOptions.CleanupInterval"/> while the host runs
/// (not at all when the interval is null). A failed run is logged and the next one tries again.
/// </summary>
public sealed partial class ConversationCleanupService(
    ConversationCleanup cleanup, TimeProvider clock, IOptions<ConversationOptions> options, ILogger<ConversationCleanupService>? logger = null)
    : BackgroundService
{
    private readonly ILogger _logger = logger ?? NullLogger<ConversationCleanupService>.Instance;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.CleanupInterval is not { } interval)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await cleanup.RunAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(ex);
            }

            try
            {
                await Task.Delay(interval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Removing expired conversations failed; the next run tries again")]
    private partial void LogFailed(Exception exception);
}
