using System.CommandLine;
using Npgsql;

namespace Domain.Cli;

/// <summary>How the commands write: labelled fields, indented lines, and failures as one line on stderr.</summary>
internal static class CliOutput
{
    private const int LabelWidth = 12;

    public static void Field(string label, string value) => Console.WriteLine($"{label.PadRight(LabelWidth)}{value}");

    public static void Line(string text) => Console.WriteLine($"  {text}");

    public static void Blank() => Console.WriteLine();

    public static void Heading(string text) => Console.WriteLine(text);

    /// <summary>A message of the migrator, as it applies or reverts a migration.</summary>
    public static void Progress(string message) => Field("progress", message.Trim());

    /// <summary>
    /// Wraps a command's action so that a failure prints one line on stderr (the whole exception with
    /// <c>--verbose</c>) and exits non-zero, instead of a stack trace.
    /// </summary>
    public static Func<ParseResult, CancellationToken, Task<int>> ReportingFailures(Func<ParseResult, CancellationToken, Task<int>> action)
    {
        return async (parseResult, ct) =>
        {
            try
            {
                return await action(parseResult, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync("cancelled");
                return 130;
            }
            catch (Exception ex)
            {
                await Console.Error.WriteLineAsync(parseResult.GetValue(CliOptions.Verbose) ? $"error: {ex}" : $"error: {Describe(ex)}");
                return 1;
            }
        };
    }

    /// <summary>The exception's message on one line, its causes' messages (each said once) in parentheses.</summary>
    public static string Describe(Exception exception)
    {
        var parts = new List<string>();
        for (var current = exception; current is not null; current = current.InnerException)
        {
            var message = (current is PostgresException pg ? pg.MessageText : current.Message).ReplaceLineEndings(" ").Trim().TrimEnd('.');
            if (message.Length > 0 && !parts.Exists(p => p.Contains(message, StringComparison.Ordinal)))
            {
                parts.Add(current is PostgresException state ? $"{message}, SQLSTATE {state.SqlState}" : message);
            }
        }

        return parts.Count switch
        {
            0 => exception.GetType().Name,
            1 => parts[0],
            _ => $"{parts[0]} ({string.Join("; ", parts.Skip(1))})",
        };
    }
}
