using System.CommandLine;
using System.Diagnostics;
using Domain.DevDatabase;
using Npgsql;

namespace Domain.Cli;

/// <summary><c>--backup &lt;file&gt;</c>: a <c>pg_dump</c> (custom format) taken before anything changes; if it fails, nothing runs.</summary>
internal static class BackupOption
{
    public static Option<FileInfo?> Option { get; } = new("--backup")
    {
        Description = "Take a pg_dump (custom format) to this file first; refuse to continue if it fails",
        HelpName = "file",
    };

    public static async Task TakeIfRequestedAsync(ParseResult parseResult, string connectionString, CancellationToken ct)
    {
        if (parseResult.GetValue(Option) is not { } file)
        {
            return;
        }

        var connection = new NpgsqlConnectionStringBuilder(connectionString);
        var bin = LocalPostgres.FindBinDirectory();
        var pgDump = bin is not null && File.Exists(Path.Combine(bin, "pg_dump")) ? Path.Combine(bin, "pg_dump") : "pg_dump";
        var start = new ProcessStartInfo(pgDump)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--format=custom", "--no-password", "--file", file.FullName,
            "--host", connection.Host ?? "127.0.0.1", "--port", connection.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--username", connection.Username ?? "postgres", "--dbname", connection.Database ?? "postgres",
        })
        {
            start.ArgumentList.Add(argument);
        }

        if (!string.IsNullOrEmpty(connection.Password))
        {
            start.Environment["PGPASSWORD"] = connection.Password;
        }

        CliOutput.Field("backup", $"pg_dump to {file.FullName}");
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("pg_dump did not start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"backup failed, nothing was changed: cannot run pg_dump ({ex.Message})", ex);
        }

        using (process)
        {
            var error = process.StandardError.ReadToEndAsync(ct);
            await process.StandardOutput.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            if (process.ExitCode != 0 || !file.Exists && !File.Exists(file.FullName))
            {
                throw new InvalidOperationException($"backup failed, nothing was changed: pg_dump exited {process.ExitCode}: {(await error).Trim()}");
            }
        }

        CliOutput.Field("backup", $"{new FileInfo(file.FullName).Length} bytes written");
    }
}
