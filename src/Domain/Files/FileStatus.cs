namespace Domain.Files;

/// <summary>
/// The life of a stored file; a PostgreSQL enum (<c>file_status</c>). A file is registered <see cref="Uploaded"/>
/// (its bytes are in storage), becomes <see cref="Ready"/> once the application has processed it, <see cref="Deleting"/>
/// when its deletion is requested (a deletion job per place it lives in is queued), and <see cref="Deleted"/> when
/// every one of those jobs has succeeded. <see cref="FileStatusTransitions"/> says which moves are allowed.
/// </summary>
public enum FileStatus
{
    Uploaded,
    Ready,
    Deleting,
    Deleted,
}
