using Domain.Common;

namespace Domain.Files;

/// <summary>
/// The moves a file's status may make, and nothing else: <c>uploaded → ready</c>, <c>uploaded → deleting</c>,
/// <c>ready → deleting</c>, <c>deleting → deleted</c>. A file never goes back (a deletion cannot be called off: its jobs
/// may already have removed copies), and only the deletion queue makes the last move, once every job has succeeded.
/// The database holds the same rule in a trigger, for writers that are not .NET.
/// </summary>
public static class FileStatusTransitions
{
    /// <summary>Every allowed move, in the order of a file's life.</summary>
    public static IReadOnlyList<(FileStatus From, FileStatus To)> Allowed { get; } =
    [
        (FileStatus.Uploaded, FileStatus.Ready),
        (FileStatus.Uploaded, FileStatus.Deleting),
        (FileStatus.Ready, FileStatus.Deleting),
        (FileStatus.Deleting, FileStatus.Deleted),
    ];

    /// <summary>Whether a file may move from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static bool IsAllowed(FileStatus from, FileStatus to) => Allowed.Contains((from, to));

    /// <summary>Throws <see cref="DomainException"/> (<c>file.status_transition</c>) unless the move is allowed.</summary>
    public static void Ensure(Guid fileId, FileStatus from, FileStatus to)
    {
        if (!Enum.IsDefined(to))
        {
            throw new DomainException("status.invalid", $"status {(int)to} is not one of {string.Join(", ", Enum.GetNames<FileStatus>())}.");
        }

        if (!IsAllowed(from, to))
        {
            throw new DomainException(
                "file.status_transition",
                $"File {fileId} cannot go from {Name(from)} to {Name(to)}; a file goes uploaded → ready → deleting → deleted "
                + "(or straight from uploaded to deleting), and only the deletion queue marks it deleted.");
        }
    }

    private static string Name(FileStatus status) => status.ToString().ToLowerInvariant();
}
