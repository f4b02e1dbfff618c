using System.Text;
using System.Text.RegularExpressions;

namespace Domain.Cli.Scaffolding;

/// <summary>How the generator spells a name in each place: C# types and members, parameters, tables and columns.</summary>
internal static partial class Naming
{
    private static readonly HashSet<string> Keywords =
    [
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const", "continue",
        "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern", "false", "finally",
        "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface", "internal", "is", "lock",
        "long", "namespace", "new", "null", "object", "operator", "out", "override", "params", "private", "protected",
        "public", "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof", "stackalloc", "static", "string",
        "struct", "switch", "this", "throw", "true", "try", "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort",
        "using", "virtual", "void", "volatile", "while",
    ];

    /// <summary>An entity name: PascalCase letters and digits, starting with an upper-case letter.</summary>
    public static bool IsTypeName(string name) => TypeNameRegex().IsMatch(name);

    /// <summary>A field as the command line may spell it: camelCase, PascalCase or snake_case.</summary>
    public static bool IsFieldName(string name) => FieldNameRegex().IsMatch(name);

    /// <summary><c>due_date</c>, <c>dueDate</c> and <c>DueDate</c> all become <c>DueDate</c>.</summary>
    public static string Pascal(string name)
    {
        var builder = new StringBuilder();
        foreach (var part in name.Split('_', StringSplitOptions.RemoveEmptyEntries))
        {
            builder.Append(char.ToUpperInvariant(part[0])).Append(part.AsSpan(1));
        }

        return builder.ToString();
    }

    /// <summary>A parameter or local: camelCase, escaped with <c>@</c> when it is a C# keyword.</summary>
    public static string Camel(string pascal)
    {
        var camel = char.ToLowerInvariant(pascal[0]) + pascal[1..];
        return Keywords.Contains(camel) ? "@" + camel : camel;
    }

    /// <summary>The snake_case of a PascalCase name, as EFCore.NamingConventions writes columns and tables.</summary>
    public static string Snake(string pascal)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (char.IsUpper(c))
            {
                var previousIsLowerOrDigit = i > 0 && (char.IsLower(pascal[i - 1]) || char.IsDigit(pascal[i - 1]));
                var nextIsLower = i + 1 < pascal.Length && char.IsLower(pascal[i + 1]);
                if (i > 0 && (previousIsLowerOrDigit || (nextIsLower && char.IsUpper(pascal[i - 1]))))
                {
                    builder.Append('_');
                }

                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>The English plural of a PascalCase noun, for collections, DbSets and folders (regular forms only).</summary>
    public static string Plural(string noun)
    {
        if (noun.EndsWith('y') && noun.Length > 1 && !"aeiou".Contains(noun[^2], StringComparison.Ordinal))
        {
            return noun[..^1] + "ies";
        }

        return noun.EndsWith('s') || noun.EndsWith('x') || noun.EndsWith('z') || noun.EndsWith("ch", StringComparison.Ordinal)
            || noun.EndsWith("sh", StringComparison.Ordinal)
            ? noun + "es"
            : noun + "s";
    }

    /// <summary>A short lambda parameter for an entity: its first letter, lower-case.</summary>
    public static string Lambda(string typeName) => char.ToLowerInvariant(typeName[0]).ToString();

    /// <summary>Words of a PascalCase name, lower-case, for sentences: <c>BookmarkTag</c> is "bookmark tag".</summary>
    public static string Words(string pascal) => Snake(pascal).Replace('_', ' ');

    [GeneratedRegex("^[A-Z][A-Za-z0-9]*$")]
    private static partial Regex TypeNameRegex();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*$")]
    private static partial Regex FieldNameRegex();
}
