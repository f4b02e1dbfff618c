namespace Domain.Cli.Scaffolding;

/// <summary>The kinds of field <c>--field name:type</c> accepts.</summary>
internal enum FieldKind
{
    /// <summary>Short text, trimmed, not blank: <c>varchar(max)</c>.</summary>
    String,

    /// <summary>Content kept exactly as given (a body, a note): <c>text</c> with a length check.</summary>
    Text,

    /// <summary>A JSON document: <c>jsonb</c>.</summary>
    Json,

    Int,
    Long,

    /// <summary>An exact number: <c>numeric(18, 6)</c>; more digits are refused, never rounded.</summary>
    Decimal,
    Bool,
    Guid,

    /// <summary>A point in time: <c>timestamptz</c>, kept in UTC to the microsecond.</summary>
    DateTime,
    Date,
}

/// <summary>
/// One <c>--field name:type[?][:max]</c>: <c>title:string:200</c>, <c>notes:text?</c>, <c>count:int</c>,
/// <c>due:date?</c>. <c>?</c> makes the field optional; <c>max</c> (string, text and json only) is its longest value.
/// </summary>
internal sealed record FieldSpec(string Name, FieldKind Kind, bool Nullable, int? MaxLength)
{
    public const int DecimalPrecision = 18;
    public const int DecimalScale = 6;

    public static readonly IReadOnlyDictionary<string, FieldKind> Types = new Dictionary<string, FieldKind>(StringComparer.Ordinal)
    {
        ["string"] = FieldKind.String,
        ["text"] = FieldKind.Text,
        ["json"] = FieldKind.Json,
        ["int"] = FieldKind.Int,
        ["long"] = FieldKind.Long,
        ["decimal"] = FieldKind.Decimal,
        ["bool"] = FieldKind.Bool,
        ["guid"] = FieldKind.Guid,
        ["datetime"] = FieldKind.DateTime,
        ["date"] = FieldKind.Date,
    };

    /// <summary>Names every entity has already (or a child's key has): a field cannot take them.</summary>
    private static readonly HashSet<string> Reserved = ["Id", "UserId", "CreatedAt", "UpdatedAt", "Now"];

    /// <summary>The property: <c>DueDate</c>.</summary>
    public string Property => Name;

    /// <summary>The column: <c>due_date</c>.</summary>
    public string Column => Naming.Snake(Name);

    /// <summary>The parameter: <c>dueDate</c>.</summary>
    public string Parameter => Naming.Camel(Name);

    /// <summary>The longest value's constant in the entity's limits class, when the field has one.</summary>
    public string? LimitConstant => MaxLength is null ? null : $"{Name}MaxLength";

    /// <summary>The constants this field puts in the entity's limits class: each limit is written once, there.</summary>
    public IEnumerable<(string Name, string Value)> Limits()
    {
        if (MaxLength is { } max)
        {
            yield return ($"{Name}MaxLength", max.ToString("N0", System.Globalization.CultureInfo.InvariantCulture).Replace(',', '_'));
        }

        if (Kind == FieldKind.Decimal)
        {
            yield return ($"{Name}Precision", DecimalPrecision.ToString(System.Globalization.CultureInfo.InvariantCulture));
            yield return ($"{Name}Scale", DecimalScale.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    public bool IsTextual => Kind is FieldKind.String or FieldKind.Text or FieldKind.Json;

    /// <summary>The C# type, with <c>?</c> when the field is optional.</summary>
    public string ClrType => BaseClrType + (Nullable ? "?" : string.Empty);

    public string BaseClrType => Kind switch
    {
        FieldKind.String or FieldKind.Text or FieldKind.Json => "string",
        FieldKind.Int => "int",
        FieldKind.Long => "long",
        FieldKind.Decimal => "decimal",
        FieldKind.Bool => "bool",
        FieldKind.Guid => "Guid",
        FieldKind.DateTime => "DateTimeOffset",
        FieldKind.Date => "DateOnly",
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, null),
    };

    /// <summary>Parses <paramref name="spec"/>; <paramref name="taken"/> holds names no field may use (a child's key).</summary>
    /// <exception cref="ScaffoldException">The spec is malformed, the type unsupported, or the name taken.</exception>
    public static FieldSpec Parse(string spec, IReadOnlyCollection<string> taken)
    {
        var parts = spec.Split(':');
        if (parts.Length is < 2 or > 3 || parts.Any(string.IsNullOrWhiteSpace))
        {
            throw new ScaffoldException($"--field '{spec}' is not name:type[?][:max] (for example title:string:200, notes:text?, count:int).");
        }

        if (!Naming.IsFieldName(parts[0]))
        {
            throw new ScaffoldException(
                $"--field '{spec}': '{parts[0]}' is not a field name (letters and digits, starting with a letter; camelCase, PascalCase or snake_case).");
        }

        var name = Naming.Pascal(parts[0]);
        if (Reserved.Contains(name) || taken.Contains(name))
        {
            throw new ScaffoldException(
                $"--field '{spec}': {name} is generated for every entity of this kind ({string.Join(", ", Reserved.Concat(taken).Where(n => n != "Now"))}); choose another name.");
        }

        var type = parts[1];
        var nullable = type.EndsWith('?');
        if (nullable)
        {
            type = type[..^1];
        }

        if (!Types.TryGetValue(type, out var kind))
        {
            throw new ScaffoldException(
                $"--field '{spec}': type '{type}' is not supported; use one of {string.Join(", ", Types.Keys)} (add ? for an optional field).");
        }

        int? max = null;
        if (parts.Length == 3)
        {
            if (kind is not (FieldKind.String or FieldKind.Text or FieldKind.Json))
            {
                throw new ScaffoldException($"--field '{spec}': only string, text and json take a maximum length; {type} does not.");
            }

            if (!int.TryParse(parts[2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed)
                || parsed is < 1 or > 10_485_760)
            {
                throw new ScaffoldException($"--field '{spec}': the maximum length '{parts[2]}' must be a whole number from 1 to 10485760.");
            }

            max = parsed;
        }

        max ??= kind switch
        {
            FieldKind.String => 200,
            FieldKind.Text or FieldKind.Json => 100_000,
            _ => null,
        };
        return new FieldSpec(name, kind, nullable, max);
    }
}
