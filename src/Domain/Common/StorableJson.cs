using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Domain.Common;

/// <summary>
/// Whether a JSON text can be stored as PostgreSQL <c>jsonb</c> and read back meaning what the caller sent. Beyond
/// well-formed JSON (at most <see cref="MaxDepth"/> levels deep), PostgreSQL refuses the escape <c>\u0000</c> (22P05),
/// an escaped surrogate that is not part of a pair (22P02) and numbers outside its numeric type (22003); and it keeps
/// only the last of duplicate keys in an object, so the stored document would differ from the one the caller holds.
/// All of these are refused here, before anything is sent.
/// </summary>
public static class StorableJson
{
    /// <summary>The deepest nesting accepted (objects and arrays).</summary>
    public const int MaxDepth = 64;

    // PostgreSQL's numeric: at most 131072 digits before the decimal point (weight 32767 in base-10000 digits) and
    // 16383 after it; an exponent beyond INT_MAX / 2 is refused outright.
    private const long MaxLeadingDigitExponent = 131_071;
    private const long MaxFractionDigits = 16_383;
    private const long MaxExponent = int.MaxValue / 2;

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        MaxDepth = MaxDepth,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    /// <summary>
    /// Why <paramref name="json"/> cannot be stored as the caller means it (or is not of <paramref name="requiredKind"/>),
    /// or null when it can.
    /// </summary>
    public static string? Problem(string json, JsonValueKind? requiredKind = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (StorableText.Problem(json) is { } textProblem)
        {
            return textProblem;
        }

        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json), ReaderOptions);
        var keysPerObject = new Stack<HashSet<string>>();
        try
        {
            while (reader.Read())
            {

                var problem = reader.TokenType switch
                {
                    JsonTokenType.StartObject => Push(keysPerObject),
                    JsonTokenType.EndObject => Pop(keysPerObject),
                    JsonTokenType.PropertyName => EscapeProblem(ref reader) ?? DuplicateProblem(ref reader, keysPerObject.Peek()),
                    JsonTokenType.String => EscapeProblem(ref reader),
                    JsonTokenType.Number => NumberProblem(reader.ValueSpan),
                    _ => null,
                };
                if (problem is not null)
                {
                    return problem;
                }
            }
        }
        catch (JsonException ex)
        {
            return $"is not valid JSON: {ex.Message}";
        }

        return requiredKind is { } kind && RootKind(json) is var actual && actual != kind
            ? $"must be a JSON {Name(kind)}, not {Name(actual)}"
            : null;
    }

    /// <summary>The kind of value a well-formed JSON text holds at its root.</summary>
    public static JsonValueKind RootKind(string validJson) => validJson.TrimStart() switch
    {
        ['{', ..] => JsonValueKind.Object,
        ['[', ..] => JsonValueKind.Array,
        ['"', ..] => JsonValueKind.String,
        ['t', ..] => JsonValueKind.True,
        ['f', ..] => JsonValueKind.False,
        ['n', ..] => JsonValueKind.Null,
        [] => JsonValueKind.Undefined,
        _ => JsonValueKind.Number,
    };

    private static string? Push(Stack<HashSet<string>> keysPerObject)
    {
        keysPerObject.Push(new HashSet<string>(StringComparer.Ordinal));
        return null;
    }

    private static string? Pop(Stack<HashSet<string>> keysPerObject)
    {
        keysPerObject.Pop();
        return null;
    }

    private static string? DuplicateProblem(ref Utf8JsonReader reader, HashSet<string> keys)
    {
        var key = reader.GetString()!;
        return keys.Add(key) ? null : $"has the key '{key}' twice in one object; PostgreSQL would keep only the last";
    }

    /// <summary>The <c>\u</c> escapes of a string or key: no NUL, and surrogates only in pairs.</summary>
    private static string? EscapeProblem(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return null;
        }

        var raw = reader.ValueSpan;
        var pendingHigh = false;
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != (byte)'\\')
            {
                if (pendingHigh)
                {
                    return UnpairedSurrogate;
                }

                continue;
            }

            var escaped = raw[++i];
            if (escaped != (byte)'u')
            {
                if (pendingHigh)
                {
                    return UnpairedSurrogate;
                }

                continue;
            }

            var code = int.Parse(Encoding.ASCII.GetString(raw.Slice(i + 1, 4)), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            i += 4;
            if (code == 0)
            {
                return "contains the escape \\u0000, which PostgreSQL cannot store";
            }

            if (pendingHigh != char.IsLowSurrogate((char)code))
            {
                return UnpairedSurrogate;
            }

            pendingHigh = char.IsHighSurrogate((char)code);
        }

        return pendingHigh ? UnpairedSurrogate : null;
    }

    private const string UnpairedSurrogate = "contains an escaped surrogate that is not part of a pair: it is not valid Unicode text";

    /// <summary>Whether a JSON number (already well-formed) fits PostgreSQL's numeric type.</summary>
    private static string? NumberProblem(ReadOnlySpan<byte> number)
    {
        var exponentAt = number.IndexOfAny((byte)'e', (byte)'E');
        var mantissa = exponentAt < 0 ? number : number[..exponentAt];
        if (mantissa[0] == (byte)'-')
        {
            mantissa = mantissa[1..];
        }

        long exponent = 0;
        if (exponentAt >= 0)
        {
            var digits = number[(exponentAt + 1)..];
            var negative = digits[0] == (byte)'-';
            digits = digits[0] is (byte)'-' or (byte)'+' ? digits[1..] : digits;
            digits = digits.TrimStart((byte)'0');
            if (digits.Length > 10)
            {
                return OutOfRange(number);
            }

            exponent = digits.Length == 0 ? 0 : long.Parse(Encoding.ASCII.GetString(digits), CultureInfo.InvariantCulture);
            exponent = negative ? -exponent : exponent;
            if (Math.Abs(exponent) >= MaxExponent)
            {
                return OutOfRange(number);
            }
        }

        var point = mantissa.IndexOf((byte)'.');
        var integerDigits = point < 0 ? mantissa.Length : point;
        var fractionDigits = point < 0 ? 0 : mantissa.Length - point - 1;
        if (Math.Max(0, fractionDigits - exponent) > MaxFractionDigits)
        {
            return OutOfRange(number);
        }

        var digitsOnly = point < 0 ? mantissa.ToArray() : [.. mantissa[..point], .. mantissa[(point + 1)..]];
        var leading = Array.FindIndex(digitsOnly, d => d != (byte)'0');
        return leading >= 0 && integerDigits - 1 - leading + exponent > MaxLeadingDigitExponent ? OutOfRange(number) : null;
    }

    private static string OutOfRange(ReadOnlySpan<byte> number)
    {
        var text = Encoding.ASCII.GetString(number.Length > 40 ? number[..40] : number);
        return $"has the number {text}{(number.Length > 40 ? "…" : string.Empty)}, outside what PostgreSQL's numeric type holds";
    }


    private static string Name(JsonValueKind kind) => kind.ToString().ToLowerInvariant();
}
