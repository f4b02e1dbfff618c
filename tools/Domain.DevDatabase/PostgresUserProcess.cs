using System.Diagnostics;
using System.Runtime.Versioning;

namespace Domain.DevDatabase;

/// <summary>
/// Runs the PostgreSQL tools (initdb, pg_ctl, pg_basebackup, pgbouncer) the way they must run: initdb, the server and
/// PgBouncer refuse to run as root, so as root each runs as the <c>postgres</c> OS user, in directories that user owns.
/// </summary>
internal static class PostgresUserProcess
{
    public static bool RunningAsRoot => Environment.IsPrivilegedProcess && OperatingSystem.IsLinux();

    [UnsupportedOSPlatformGuard("windows")]
    public static bool IsUnix => !OperatingSystem.IsWindows();

    /// <summary>Runs <paramref name="executable"/> to completion, as <c>postgres</c> when this process is root.</summary>
    public static (int ExitCode, string Output, string Error) Run(string executable, IReadOnlyList<string> arguments)
        => RunRaw(RunningAsRoot ? "runuser" : executable, RunningAsRoot ? ["-u", "postgres", "--", executable, .. arguments] : arguments);

    /// <summary>As <see cref="Run"/>, throwing with the tool's output when it fails.</summary>
    public static async Task RunCheckedAsync(string executable, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var (exitCode, output, error) = await Task.Run(() => Run(executable, arguments), cancellationToken);
        if (exitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(executable)} {string.Join(' ', arguments)} failed with exit code {exitCode}: {error.Trim()} {output.Trim()}".Trim());
        }
    }

    /// <summary>Makes <paramref name="path"/> (recursively) the <c>postgres</c> user's when this process is root.</summary>
    public static void GiveToPostgres(string path)
    {
        if (RunningAsRoot)
        {
            RunChecked("chown", ["-R", "postgres:postgres", path]);
        }
    }

    /// <summary>Runs <paramref name="executable"/> as this process's user, throwing when it fails.</summary>
    public static void RunChecked(string executable, IReadOnlyList<string> arguments)
    {
        var (exitCode, output, error) = RunRaw(executable, arguments);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"{executable} {string.Join(' ', arguments)} failed ({exitCode}): {error.Trim()} {output.Trim()}");
        }
    }

    /// <summary>
    /// Runs a program to completion. Output goes to temporary files, not pipes: a daemon the program leaves behind (the
    /// postmaster of <c>pg_ctl start</c>, <c>pgbouncer -d</c>) inherits the handles, and a pipe would never reach end-of-file.
    /// </summary>
    public static (int ExitCode, string Output, string Error) RunRaw(string executable, IReadOnlyList<string> arguments)
    {
        var outFile = Path.GetTempFileName();
        var errFile = Path.GetTempFileName();
        try
        {
            var start = new ProcessStartInfo("/bin/sh")
            {
                UseShellExecute = false,
                RedirectStandardInput = false,
                RedirectStandardOutput = false,
                RedirectStandardError = false,
                WorkingDirectory = Path.GetTempPath(),
            };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("exec \"$@\" >\"$OUT\" 2>\"$ERR\" </dev/null");
            start.ArgumentList.Add("sh");
            start.ArgumentList.Add(executable);
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["OUT"] = outFile;
            start.Environment["ERR"] = errFile;
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
            process.WaitForExit();
            return (process.ExitCode, File.ReadAllText(outFile), File.ReadAllText(errFile));
        }
        finally
        {
            File.Delete(outFile);
            File.Delete(errFile);
        }
    }
}
