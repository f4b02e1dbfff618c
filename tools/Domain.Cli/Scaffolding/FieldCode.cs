namespace Domain.Cli.Scaffolding;

/// <summary>What each kind of field becomes in each layer: the domain's check, the validator's rule, the mapping, the samples.</summary>
internal static class FieldCode
{
    /// <summary>The domain's check of <paramref name="value"/> (an expression of the field's type), as an expression.</summary>
    public static string Guarded(FieldSpec field, string value, string limits)
    {
        var column = field.Column;
        var max = $"{limits}.{field.LimitConstant}";
        var inner = field.Nullable && field.Kind is not FieldKind.String ? $"{value}.Value" : value;
        var check = field.Kind switch
        {
            FieldKind.String => field.Nullable ? $"Guard.OptionalText({value}, \"{column}\", {max})" : $"Guard.Text({value}, \"{column}\", {max})",
            FieldKind.Text => $"Guard.Content({value}, \"{column}\", {max})",
            FieldKind.Json => $"Guard.Json({value}, \"{column}\", {max})",
            FieldKind.Guid => $"Guard.NotEmpty({inner}, \"{column}\")",
            FieldKind.Decimal => $"Guard.Decimal({inner}, \"{column}\", {limits}.{field.Name}Precision, {limits}.{field.Name}Scale)",
            FieldKind.DateTime => $"Guard.Instant({inner})",
            _ => null,
        };
        if (check is null)
        {
            return value;
        }

        return field.Nullable && field.Kind is not FieldKind.String ? $"{value} is null ? null : {check}" : check;
    }

    /// <summary>The validator's rule for the field on a request, or null when its type admits every value.</summary>
    public static string? Rule(FieldSpec field, string limits)
    {
        var max = $"{limits}.{field.LimitConstant}";
        var required = field.Nullable ? string.Empty : ".NotEmpty()";
        var chain = field.Kind switch
        {
            FieldKind.String or FieldKind.Text => $"{required}.MaximumLength({max}).StorableText()",
            FieldKind.Json => $"{required}.MaximumLength({max}).StorableJson()",
            FieldKind.Guid => ".NotEqual(Guid.Empty)",
            FieldKind.Decimal => $".PrecisionScale({limits}.{field.Name}Precision, {limits}.{field.Name}Scale, ignoreTrailingZeros: true)",
            _ => null,
        };
        return chain is null ? null : $"RuleFor(r => r.{field.Property}){chain};";
    }

    /// <summary>The EF configuration lines of the field (its type, length or precision), if it needs any.</summary>
    public static IEnumerable<string> Configuration(FieldSpec field, string lambda, string limits)
    {
        var property = $"builder.Property({lambda} => {lambda}.{field.Property})";
        switch (field.Kind)
        {
            case FieldKind.String:
                yield return $"{property}.HasMaxLength({limits}.{field.LimitConstant});";
                break;
            case FieldKind.Json:
                yield return $"{property}.HasColumnType(\"jsonb\");";
                break;
            case FieldKind.Decimal:
                yield return $"{property}.HasPrecision({limits}.{field.Name}Precision, {limits}.{field.Name}Scale);";
                break;
        }
    }

    /// <summary>The database's own checks of the field (name, SQL as a C# string expression), if it has any.</summary>
    public static IEnumerable<(string Name, string Sql)> Checks(FieldSpec field, string table, string limits)
    {
        switch (field.Kind)
        {
            case FieldKind.String:
                yield return ($"ck_{table}_{field.Column}_not_empty", $"\"{field.Column} <> ''\"");
                break;
            case FieldKind.Text:
                yield return ($"ck_{table}_{field.Column}_length", $"$\"char_length({field.Column}) between 1 and {{{limits}.{field.LimitConstant}}}\"");
                break;
        }
    }

    /// <summary>
    /// A value for the tests, as a C# expression: <paramref name="variant"/> 0 is what a row is created with, 1 what it
    /// is changed to (null for an optional field, so both a value and null make the round trip).
    /// </summary>
    public static string Sample(FieldSpec field, int variant)
    {
        if (variant == 1 && field.Nullable)
        {
            return "null";
        }

        return field.Kind switch
        {
            FieldKind.String or FieldKind.Text => Quoted(SampleText(field, variant)),
            FieldKind.Json => field.MaxLength < 14
                ? Quoted((variant + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))
                : $"\"\"\"{{\"sample\": {variant + 1}}}\"\"\"",
            FieldKind.Int => variant == 0 ? "42" : "43",
            FieldKind.Long => variant == 0 ? "42L" : "43L",
            FieldKind.Decimal => variant == 0 ? "12.5m" : "13.25m",
            FieldKind.Bool => variant == 0 ? "true" : "false",
            FieldKind.Guid => variant == 0 ? "new Guid(\"0b3f6f0e-6f4a-4c53-9d57-2f4f3f0b9a11\")" : "new Guid(\"5d9b1c1e-3c1d-4e0e-8a36-7c1b6f2e4d22\")",
            FieldKind.DateTime => variant == 0
                ? "new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)"
                : "new DateTimeOffset(2026, 2, 3, 4, 5, 6, TimeSpan.Zero)",
            FieldKind.Date => variant == 0 ? "new DateOnly(2026, 1, 2)" : "new DateOnly(2026, 2, 3)",
            _ => throw new ArgumentOutOfRangeException(nameof(field), field.Kind, null),
        };
    }

    /// <summary>A value one character longer than the field allows, as a C# expression.</summary>
    public static string TooLong(FieldSpec field, string limits) => $"new string('x', {limits}.{field.LimitConstant} + 1)";

    private static string SampleText(FieldSpec field, int variant)
    {
        var text = (variant == 0 ? "sample " : "changed ") + Naming.Words(field.Name);
        if (text.Length <= field.MaxLength)
        {
            return text;
        }

        return field.MaxLength >= 2 ? text[..field.MaxLength.Value] : variant == 0 ? "a" : "b";
    }

    private static string Quoted(string text) => $"\"{text}\"";
}
