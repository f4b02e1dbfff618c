using System.Globalization;
using System.Text.RegularExpressions;
using Domain.Common;

namespace Domain.Files;

/// <summary>
/// The checks a file's description must pass, each saying what is wrong (or null when nothing is): shared by the model,
/// which throws <see cref="DomainException"/>, and the validators, which report a field error before anything is sent.
/// </summary>
public static partial class FileRules
{
    /// <summary>Why <paramref name="sizeBytes"/> is not a size the registry accepts, or null.</summary>
    public static string? SizeProblem(long sizeBytes) => sizeBytes switch
    {
        < 0 => $"must not be negative (got {sizeBytes})",
        > FileLimits.MaxSizeBytes => string.Create(
            CultureInfo.InvariantCulture, $"must be at most {FileLimits.MaxSizeBytes} bytes (50 MiB); got {sizeBytes}, {sizeBytes - FileLimits.MaxSizeBytes} too many"),
        _ => null,
    };

    /// <summary>Why <paramref name="sha256"/> is not a SHA-256 digest in hexadecimal (either case), or null.</summary>
    public static string? Sha256Problem(string sha256)
    {
        ArgumentNullException.ThrowIfNull(sha256);
        return Matches(Sha256Regex(), sha256)
            ? null
            : $"must be a SHA-256 digest: {FileLimits.Sha256Length} hexadecimal digits (got {Describe(sha256)})";
    }

    /// <summary>Why <paramref name="mimeType"/> is not a MIME type <c>type/subtype</c> without parameters (either case), or null.</summary>
    public static string? MimeTypeProblem(string mimeType)
    {
        ArgumentNullException.ThrowIfNull(mimeType);
        return Matches(MimeTypeRegex(), mimeType)
            ? null
            : $"must be a MIME type such as application/pdf: type/subtype of letters, digits and !#$&^_.+-, without parameters (got {Describe(mimeType)})";
    }

    /// <summary>
    /// Why <paramref name="path"/> is not a storage path (an object's name in a bucket, for example
    /// <c>user-files/&lt;user&gt;/report.pdf</c>), or null: at most <see cref="FileLimits.StoragePathMaxLength"/>
    /// characters, segments separated by <c>/</c>, none empty, <c>.</c> or <c>..</c>, no backslash, no control character.
    /// </summary>
    public static string? StoragePathProblem(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length is 0 or > FileLimits.StoragePathMaxLength)
        {
            return $"must be 1 to {FileLimits.StoragePathMaxLength} characters (got {path.Length})";
        }

        if (StorableText.Problem(path) is { } text)
        {
            return text;
        }

        if (path.Any(c => char.IsControl(c) || c == '\\'))
        {
            return "must not contain a control character or a backslash";
        }

        return path.Split('/').Any(segment => segment is "" or "." or "..")
            ? $"must be segments separated by '/', none of them empty, '.' or '..' (got '{path}')"
            : null;
    }

    // .NET's '$' also matches before a final line feed; PostgreSQL's does not, and the database checks the same pattern.
    private static bool Matches(Regex pattern, string value) => !value.EndsWith('\n') && pattern.IsMatch(value.ToLowerInvariant());

    private static string Describe(string value) => value.Length > 80 ? $"'{value[..80]}…', {value.Length} characters" : $"'{value}'";

    [GeneratedRegex(FileLimits.Sha256Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex Sha256Regex();

    [GeneratedRegex(FileLimits.MimeTypePattern, RegexOptions.CultureInvariant)]
    private static partial Regex MimeTypeRegex();
}
