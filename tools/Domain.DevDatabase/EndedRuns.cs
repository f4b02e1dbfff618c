using System.Diagnostics;

namespace Domain.DevDatabase;

/// <summary>
/// Throwaway directories under the temporary directory are named <c>&lt;prefix&gt;&lt;process id&gt;-&lt;unique&gt;</c>, so
/// that what a process killed before it could clean up left behind (a cluster, a standby, a PgBouncer) is found and
/// removed by the next run that uses the same prefix.
/// </summary>
internal static class EndedRuns
{
    /// <summary>A new directory name for this process under the temporary directory.</summary>
    public static string NewDirectory(string prefix) => Path.Combine(Path.GetTempPath(), $"{prefix}{Environment.ProcessId}-{Guid.NewGuid():N}");

    /// <summary>Runs <paramref name="remove"/> on each directory with <paramref name="prefix"/> whose process has ended.</summary>
    public static async Task RemoveAsync(string prefix, Func<string, CancellationToken, Task> remove, CancellationToken cancellationToken)
    {
        foreach (var directory in Directory.GetDirectories(Path.GetTempPath(), prefix + "*"))
        {
            var pidText = Path.GetFileName(directory)[prefix.Length..].Split('-')[0];
            if (int.TryParse(pidText, out var pid) && !IsAlive(pid))
            {
                await remove(directory, cancellationToken);
            }
        }
    }

    /// <summary>Whether a process with <paramref name="pid"/> runs.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
