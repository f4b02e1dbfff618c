using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Domain.Application.Prompts;

/// <summary>
/// Confirms the catalog version of <see cref="ActivePromptCache"/> every <see cref="PromptCacheOptions.PollInterval"/>
/// while the host runs, so reads never wait for it. A failed poll is logged and the next one tries again; meanwhile
/// the cache itself keeps its bound (a read past it asks the database).
/// </summary>
internal sealed partial class PromptCacheRefresher(
    ActivePromptCache cache, TimeProvider clock, IOptions<PromptCacheOptions> options, ILogger<PromptCacheRefresher>? logger = null)
    : BackgroundService
{
    private readonly ILogger _logger = logger ?? NullLogger<PromptCacheRefresher>.Instance;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.PollInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, clock, stoppingToken);
                await cache.RefreshAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogFailed(ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Confirming the prompt catalog version failed; the next poll tries again")]
    private partial void LogFailed(Exception exception);
}
