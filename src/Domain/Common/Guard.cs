using System.Text.Json;

namespace Domain.Common;

/// <summary>
/// Argument checks shared by the aggregates; every failure is a <see cref="DomainException"/> whose code starts with
/// the field's name. Text and JSON must also be storable by PostgreSQL as given (<see cref="StorableText"/>,
/// <see cref="StorableJson"/>), so nothing the model accepts is refused or changed by the database.
/// </summary>
public static class Guard
{
    public static Guid NotEmpty(Guid value, string name)
    {
        if (value == Guid.Empty)
        {
            throw new DomainException($"{name}.empty", $"{name} must not be an empty identifier.");
        }

        return value;
    }

    /// <summary>Required text, trimmed: not blank, at most <paramref name="maxLength"/> characters once trimmed.</summary>
    public static string Text(string? value, string name, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new DomainException($"{name}.required", $"{name} is required and must not be blank.");
        }

        var trimmed = value.Trim();
        if (trimmed.Length > maxLength)
        {
            throw new DomainException($"{name}.too_long", $"{name} must be at most {maxLength} characters (got {trimmed.Length}).");
        }

        return Storable(trimmed, name);
    }

    /// <summary>Optional text: null when blank, otherwise as <see cref="Text"/>.</summary>
    public static string? OptionalText(string? value, string name, int maxLength)
    {
        return string.IsNullOrWhiteSpace(value) ? null : Text(value, name, maxLength);
    }

    /// <summary>Required content kept exactly as given (code, a message): not empty, at most <paramref name="maxLength"/> characters.</summary>
    public static string Content(string? value, string name, int maxLength)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new DomainException($"{name}.required", $"{name} is required.");
        }

        if (value.Length > maxLength)
        {
            throw new DomainException($"{name}.too_long", $"{name} must be at most {maxLength} characters (got {value.Length}).");
        }

        return Storable(value, name);
    }

    /// <summary>Checks that <paramref name="json"/> is JSON PostgreSQL stores as given, of the given kind, and returns it unchanged.</summary>
    public static string Json(string? json, string name, int maxLength, JsonValueKind? requiredKind = null)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            throw new DomainException($"{name}.required", $"{name} is required and must be JSON.");
        }

        if (json.Length > maxLength)
        {
            throw new DomainException($"{name}.too_long", $"{name} must be at most {maxLength} characters of JSON (got {json.Length}).");
        }

        if (StorableJson.Problem(json) is { } problem)
        {
            throw new DomainException($"{name}.invalid_json", $"{name} {problem}.");
        }

        if (requiredKind is { } kind && StorableJson.RootKind(json) is var actual && actual != kind)
        {
            throw new DomainException(
                $"{name}.wrong_kind", $"{name} must be a JSON {kind.ToString().ToLowerInvariant()}, not {actual.ToString().ToLowerInvariant()}.");
        }

        return json;
    }

    /// <summary>
    /// An exact number PostgreSQL stores as <c>numeric(<paramref name="precision"/>, <paramref name="scale"/>)</c>
    /// without rounding: at most <paramref name="scale"/> digits after the point and
    /// <paramref name="precision"/> - <paramref name="scale"/> before it (trailing zeros do not count).
    /// </summary>
    public static decimal Decimal(decimal value, string name, int precision, int scale)
    {
        if (decimal.Round(value, scale) != value)
        {
            throw new DomainException($"{name}.too_precise", $"{name} must have at most {scale} digits after the point (got {value}).");
        }

        var integerDigits = decimal.Truncate(decimal.Abs(value)).ToString(System.Globalization.CultureInfo.InvariantCulture).TrimStart('0').Length;
        if (integerDigits > precision - scale)
        {
            throw new DomainException($"{name}.too_large", $"{name} must have at most {precision - scale} digits before the point (got {value}).");
        }

        return value;
    }

    /// <summary>
    /// A point in time as PostgreSQL's <c>timestamptz</c> keeps it: in UTC, to the microsecond. The model holds what
    /// the database will hold, so a value read back equals the one written.
    /// </summary>
    public static DateTimeOffset Instant(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        return utc.AddTicks(-(utc.Ticks % TimeSpan.TicksPerMicrosecond));
    }

    private static string Storable(string value, string name)
    {
        return StorableText.Problem(value) is { } problem
            ? throw new DomainException($"{name}.invalid_text", $"{name} {problem}.")
            : value;
    }
}
