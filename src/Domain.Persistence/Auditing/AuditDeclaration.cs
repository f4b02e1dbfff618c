using System.Text.RegularExpressions;

namespace Domain.Persistence.Auditing;

/// <summary>
/// That a table is audited, and how: its key (the row id each entry names), its owner (who may read the entries about a
/// row; none for rows nobody owns) and the columns left out of the trail. Like a row-level security declaration it
/// travels as one annotation whose value is a canonical text (<see cref="ToString"/>), so EF's differ sees a change to
/// it like a change to a column, and the migrations SQL generator turns it into triggers, Up and Down.
/// </summary>
/// <remarks>
/// On an entity type only the excluded names are declared (as property names); the key and the owner are the entity's
/// primary key and its row-level security owner, which the relational annotation provider adds, in column names, to
/// the table's declaration. An excluded column is neither recorded nor a reason for an entry: an update that changes
/// only excluded columns (counters and timestamps the database keeps, a key's last use) writes no entry.
/// </remarks>
public sealed partial class AuditDeclaration : IEquatable<AuditDeclaration>
{
    private const string AuditedText = "audited";
    private readonly string _text;

    internal AuditDeclaration(string? key, string? owner, IEnumerable<string>? excluded)
    {
        Key = key;
        Owner = owner;
        Excluded = [.. (excluded ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        ThrowIfInconsistent();
        _text = Format();
    }

    /// <summary>The key column (or property), whose value is each entry's row id; null on an entity type, where the primary key is meant.</summary>
    public string? Key { get; }

    /// <summary>The owner column, whose value is each entry's owner; null for rows nobody owns (and on an entity type).</summary>
    public string? Owner { get; }

    /// <summary>Columns (or properties) left out of the trail, sorted.</summary>
    public IReadOnlyList<string> Excluded { get; }

    /// <summary>Reads the canonical text <see cref="ToString"/> writes.</summary>
    /// <exception cref="FormatException">The text is not an audit declaration.</exception>
    public static AuditDeclaration Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split("; ", StringSplitOptions.None);
        if (parts[0] != AuditedText)
        {
            throw new FormatException($"'{text}' is not an audit declaration: it does not start with '{AuditedText}'.");
        }

        string? key = null;
        string? owner = null;
        List<string>? excluded = null;
        foreach (var part in parts.Skip(1))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var (name, value) = equals < 0 ? (part, string.Empty) : (part[..equals], part[(equals + 1)..]);
            switch (name)
            {
                case "key":
                    key = value;
                    break;
                case "owner":
                    owner = value;
                    break;
                case "exclude":
                    excluded = [.. value.Split(',')];
                    break;
                default:
                    throw new FormatException($"'{text}' is not an audit declaration: '{part}' is not one of its parts.");
            }
        }

        try
        {
            var declaration = new AuditDeclaration(key, owner, excluded);
            return declaration._text == text
                ? declaration
                : throw new FormatException($"'{text}' is not in canonical form; it would be written '{declaration._text}'.");
        }
        catch (ArgumentException ex)
        {
            throw new FormatException($"'{text}' is not a valid audit declaration: {ex.Message}", ex);
        }
    }

    /// <summary>The declaration of a table: <paramref name="key"/> and <paramref name="owner"/> added, every name passed through <paramref name="rename"/>.</summary>
    internal AuditDeclaration ForTable(string key, string? owner, Func<string, string> rename)
        => new(key, owner, Excluded.Select(rename));

    /// <summary>Every name the declaration mentions.</summary>
    internal IEnumerable<string> Names
        => new[] { Key, Owner }.OfType<string>().Concat(Excluded).Distinct(StringComparer.Ordinal);

    /// <summary>The canonical text, for example <c>audited; key=id; owner=user_id; exclude=revision_count,updated_at</c>.</summary>
    public override string ToString() => _text;

    /// <inheritdoc />
    public bool Equals(AuditDeclaration? other) => other is not null && string.Equals(_text, other._text, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as AuditDeclaration);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_text);

    private void ThrowIfInconsistent()
    {
        foreach (var name in Names)
        {
            if (!Identifier().IsMatch(name))
            {
                throw new ArgumentException($"'{name}' is not a column or property name (letters, digits and '_', not starting with a digit).");
            }
        }

        if (Key is null && Owner is not null)
        {
            throw new ArgumentException("An owner is named only together with the key.");
        }

        foreach (var named in new[] { Key, Owner }.OfType<string>())
        {
            if (Excluded.Contains(named, StringComparer.Ordinal))
            {
                throw new ArgumentException($"'{named}' names the row or its owner in every entry; it cannot be excluded.");
            }
        }
    }

    private string Format()
    {
        var parts = new List<string> { AuditedText };
        if (Key is not null)
        {
            parts.Add("key=" + Key);
        }

        if (Owner is not null)
        {
            parts.Add("owner=" + Owner);
        }

        if (Excluded.Count > 0)
        {
            parts.Add("exclude=" + string.Join(',', Excluded));
        }

        return string.Join("; ", parts);
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();
}
