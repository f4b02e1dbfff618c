using System.Globalization;

namespace Domain.Common;

/// <summary>
/// Whether a string can be stored as PostgreSQL text exactly as .NET holds it. PostgreSQL's text holds no NUL
/// character (it refuses the value with 22021), and a string that is not well-formed UTF-16 (a lone surrogate) has no
/// UTF-8 form at all (the driver throws before sending). Both are refused here, before anything is sent.
/// </summary>
public static class StorableText
{
    /// <summary>Why <paramref name="value"/> cannot be stored, or null when it can.</summary>
    public static string? Problem(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\0')
            {
                return $"contains a NUL character (at {Position(i)}), which PostgreSQL cannot store";
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return $"contains an unpaired surrogate (at {Position(i)}): it is not valid Unicode text";
            }
        }

        return null;
    }

    private static string Position(int index) => "index " + index.ToString(CultureInfo.InvariantCulture);
}
