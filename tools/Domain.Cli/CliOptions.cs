using System.CommandLine;

namespace Domain.Cli;

/// <summary>Options every command accepts.</summary>
internal static class CliOptions
{
    /// <summary>
    /// The database to use; when absent, <c>ConnectionStrings__Domain</c>, then <c>DATABASE_URL</c>, then the local
    /// cluster under <c>&lt;repo&gt;/.data/</c>.
    /// </summary>
    public static Option<string?> Connection { get; } = new("--connection", "-c")
    {
        Description = "Connection string or postgres:// URI (default: ConnectionStrings__Domain, DATABASE_URL, "
            + "then the local cluster under <repo>/.data/)",
        HelpName = "string",
        Recursive = true,
    };

    /// <summary>Prints the full exception on failure instead of one line.</summary>
    public static Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "Print full error details (stack traces) on failure",
        Recursive = true,
    };
}
