using System.Text.Json;

namespace Domain.Common;

/// <summary>Argument checks shared by the aggregates; every failure is a <see cref="DomainException"/>.</summary>
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

        return trimmed;
    }

    public static string? OptionalText(string? value, string name, int maxLength)
    {
        return string.IsNullOrWhiteSpace(value) ? null : Text(value, name, maxLength);
    }

    /// <summary>Checks that <paramref name="json"/> is well-formed JSON of the given kind and returns it unchanged.</summary>
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

        try
        {
            using var document = JsonDocument.Parse(json);
            if (requiredKind is { } kind && document.RootElement.ValueKind != kind)
            {
                throw new DomainException(
                    $"{name}.wrong_kind",
                    $"{name} must be a JSON {kind.ToString().ToLowerInvariant()}, not {document.RootElement.ValueKind.ToString().ToLowerInvariant()}.");
            }
        }
        catch (JsonException ex)
        {
            throw new DomainException($"{name}.invalid_json", $"{name} is not valid JSON: {ex.Message}");
        }

        return json;
    }
}
