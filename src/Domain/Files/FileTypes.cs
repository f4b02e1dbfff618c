namespace Domain.Files;

/// <summary>The <see cref="FileType"/> a MIME type suggests, for files registered without one.</summary>
public static class FileTypes
{
    private static readonly HashSet<string> Documents = new(StringComparer.Ordinal)
    {
        "application/pdf", "application/msword", "application/rtf", "application/epub+zip", "text/plain", "text/markdown", "text/html",
        "text/rtf",
    };

    private static readonly HashSet<string> Data = new(StringComparer.Ordinal)
    {
        "application/json", "application/xml", "application/x-ndjson", "application/yaml", "application/vnd.apache.parquet",
        "application/x-sqlite3", "text/csv", "text/tab-separated-values", "text/xml", "text/yaml",
    };

    private static readonly HashSet<string> Archives = new(StringComparer.Ordinal)
    {
        "application/zip", "application/gzip", "application/x-tar", "application/x-7z-compressed", "application/x-bzip2",
        "application/x-xz", "application/zstd", "application/vnd.rar",
    };

    private static readonly HashSet<string> Code = new(StringComparer.Ordinal)
    {
        "application/javascript", "application/typescript", "application/x-sh", "application/x-python-code", "application/sql",
        "text/javascript", "text/css", "text/x-python", "text/x-csharp", "text/x-java-source", "text/x-c", "text/x-c++", "text/x-go",
        "text/x-rust", "text/x-shellscript", "text/x-sql",
    };

    /// <summary>The type of content <paramref name="mimeType"/> (lower case, no parameters) names; <see cref="FileType.Other"/> when unknown.</summary>
    public static FileType FromMimeType(string mimeType)
    {
        ArgumentNullException.ThrowIfNull(mimeType);
        var top = mimeType.Split('/')[0];
        return top switch
        {
            "image" => FileType.Image,
            "audio" => FileType.Audio,
            "video" => FileType.Video,
            _ when Documents.Contains(mimeType)
                || mimeType.StartsWith("application/vnd.openxmlformats-officedocument.", StringComparison.Ordinal)
                || mimeType.StartsWith("application/vnd.oasis.opendocument.", StringComparison.Ordinal)
                || mimeType.StartsWith("application/vnd.ms-", StringComparison.Ordinal) => FileType.Document,
            _ when Data.Contains(mimeType) || mimeType.EndsWith("+json", StringComparison.Ordinal) => FileType.Data,
            _ when Archives.Contains(mimeType) => FileType.Archive,
            _ when Code.Contains(mimeType) => FileType.Code,
            _ => FileType.Other,
        };
    }
}
