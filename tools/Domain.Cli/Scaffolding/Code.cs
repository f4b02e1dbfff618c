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

    /// <summary>A block of text (a raw string), each of its lines indented by <paramref name="indent"/> levels.</summary>
    public Code Block(string text, int indent = 0) => Lines(text.ReplaceLineEndings("\n").Split('\n'), indent);

    public override string ToString() => _text.ToString().TrimEnd('\n') + "\n";
}
