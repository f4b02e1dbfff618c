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

    private static string Storable(string value, string name)
    {
        return StorableText.Problem(value) is { } problem
            ? throw new DomainException($"{name}.invalid_text", $"{name} {problem}.")
            : value;
    }
}
