using System.CommandLine;
using Domain.Application.Conversations;
using Microsoft.Extensions.DependencyInjection;

namespace Domain.Cli.Commands;

/// <summary><c>domain conversations cleanup</c>: removes expired conversations of every user, in bounded batches.</summary>
internal static class ConversationsCommand
{
    public static Command Create()
    {
        var batchSize = new Option<int?>("--batch-size") { Description = "Conversations per statement (default: the options' CleanupBatchSize, 500)" };
        var cleanup = new Command("cleanup", "Remove expired conversations with their messages and attachments, as the service role") { batchSize };
        cleanup.SetAction(CliOutput.ReportingFailures((parseResult, ct) => CleanupAsync(parseResult, parseResult.GetValue(batchSize), ct)));
        return new Command("conversations", "Operations on conversations") { cleanup };
    }

    private static async Task<int> CleanupAsync(ParseResult parseResult, int? batchSize, CancellationToken ct)
    {
        await using var cli = await CliServices.OpenAsync(parseResult, ct, services =>
        {
            if (batchSize is { } size)
            {
                services.Configure<ConversationOptions>(o => o.CleanupBatchSize = size);
            }
        });
        var removed = await cli.Get<ConversationCleanup>().RunAsync(ct);
        CliOutput.Field("cleanup", $"removed {removed} expired conversation(s) with their messages and attachments");
        return 0;
    }
}
