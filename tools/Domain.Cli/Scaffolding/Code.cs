using System.Text;

namespace Domain.Cli.Scaffolding;

/// <summary>Assembles generated C#: lines at an indentation, blank lines between members, nothing trailing.</summary>
internal sealed class Code
{
    private readonly StringBuilder _text = new();

    public Code Line(string line = "", int indent = 0)
    {
        if (line.Length == 0)
        {
            _text.Append('\n');
        }
        else
        {
            _text.Append(' ', indent * 4).Append(line).Append('\n');
        }

        return this;
    }

    public Code Lines(IEnumerable<string> lines, int indent)
    {
        foreach (var line in lines)
        {
            Line(line, indent);
        }

        return this;
    }

    /// <summary>
    /// A declaration with a parameter list: on one line when it fits in <see cref="Width"/> columns, otherwise the
    /// parameters on the lines after it, one level deeper, as many to a line as fit.
    /// </summary>
    public Code Call(string head, IReadOnlyList<string> parameters, string tail, int indent)
    {
        var single = $"{head}({string.Join(", ", parameters)}){tail}";
        if (indent * 4 + single.Length <= Width || parameters.Count == 0)
        {
            return Line(single, indent);
        }

        Line(head + "(", indent);
        var pad = (indent + 1) * 4;
        var current = string.Empty;
        for (var i = 0; i < parameters.Count; i++)
        {
            var item = parameters[i] + (i < parameters.Count - 1 ? "," : ")" + tail);
            if (current.Length > 0 && pad + current.Length + 1 + item.Length > Width)
            {
                Line(current, indent + 1);
                current = item;
            }
            else
            {
                current = current.Length == 0 ? item : current + " " + item;
            }
        }

        return Line(current, indent + 1);
    }

    /// <summary>The longest line generated code aims for.</summary>
    public const int Width = 130;

    /// <summary>A block of text (a raw string), each of its lines indented by <paramref name="indent"/> levels.</summary>
    public Code Block(string text, int indent = 0) => Lines(text.ReplaceLineEndings("\n").Split('\n'), indent);

    public override string ToString() => _text.ToString().TrimEnd('\n') + "\n";
}
