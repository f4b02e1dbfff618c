namespace Domain.Files;

/// <summary>What kind of content a file holds; a PostgreSQL enum (<c>file_type</c>). Derived from the MIME type unless given.</summary>
public enum FileType
{
    Document,
    Image,
    Audio,
    Video,
    Code,
    Data,
    Archive,
    Other,
}
