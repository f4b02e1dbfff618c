using System.Text.RegularExpressions;

namespace Domain.Persistence.RowLevelSecurity;

/// <summary>
/// What a table's row-level security is: its shape, its owner column, the commands callers may run and the columns
/// they may insert or update. It travels through the model as one annotation whose value is <see cref="ToString"/>, a
/// canonical text (same declaration, same text), so EF's differ sees a change to it like a change to a column.
/// </summary>
/// <remarks>
/// On an entity type the names are property names, as the configuration wrote them; on a table of the relational
/// model (and so in migrations) they are column names. Column lists are kept sorted: their order means nothing to
/// PostgreSQL, and reordering them in code must not make a migration.
/// </remarks>
public sealed partial class RowLevelSecurityDeclaration : IEquatable<RowLevelSecurityDeclaration>
{
    private const string OwnedRowsText = "owned-rows";
    private const string SharedReferenceDataText = "shared-reference-data";
    private const string LedgerText = "ledger";
    private const string AppendedByTriggersText = "appended-by=triggers";

    private static readonly (RowCommands Command, string Text)[] CommandTexts =
    [
        (RowCommands.Select, "select"), (RowCommands.Insert, "insert"), (RowCommands.Update, "update"), (RowCommands.Delete, "delete"),
    ];

    private readonly string _text;

    internal RowLevelSecurityDeclaration(
        RowLevelSecurityShape shape,
        string? owner,
        RowCommands commands,
        IEnumerable<string>? insertColumns,
        IEnumerable<string>? updateColumns,
        bool appendedByTriggersOnly = false)
    {
        Shape = shape;
        AppendedByTriggersOnly = appendedByTriggersOnly;
        Owner = owner;
        Commands = commands;
        InsertColumns = insertColumns is null ? null : [.. insertColumns.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        UpdateColumns = updateColumns is null ? null : [.. updateColumns.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        ThrowIfInconsistent();
        _text = Format();
    }

    /// <summary>Which of the three policy shapes the table has.</summary>
    public RowLevelSecurityShape Shape { get; }

    /// <summary>The column (or property) holding the owning user's id; null for shared reference data.</summary>
    public string? Owner { get; }

    /// <summary>
    /// Owned rows: what owners may do with their rows, and admins with theirs. Shared reference data: what admins may do
    /// (every signed-in caller reads). Ledger: select only. Always includes <see cref="RowCommands.Select"/>.
    /// </summary>
    public RowCommands Commands { get; }

    /// <summary>The columns owners (admins, for shared reference data) may insert, sorted; null for every column.</summary>
    public IReadOnlyList<string>? InsertColumns { get; }

    /// <summary>The columns owners (admins, for shared reference data) may update, sorted; null for every column.</summary>
    public IReadOnlyList<string>? UpdateColumns { get; }

    /// <summary>
    /// A ledger only the database's own triggers append to (the audit trail): no role may insert, not even the service
    /// role. False for every other ledger (the backend appends) and shape.
    /// </summary>
    public bool AppendedByTriggersOnly { get; }

    /// <summary>Reads the canonical text <see cref="ToString"/> writes.</summary>
    /// <exception cref="FormatException">The text is not a declaration.</exception>
    public static RowLevelSecurityDeclaration Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split("; ", StringSplitOptions.None);
        var shape = parts[0] switch
        {
            OwnedRowsText => RowLevelSecurityShape.OwnedRows,
            SharedReferenceDataText => RowLevelSecurityShape.SharedReferenceData,
            LedgerText => RowLevelSecurityShape.Ledger,
            _ => throw new FormatException($"'{text}' is not a row-level security declaration: it starts with neither "
                + $"{OwnedRowsText}, {SharedReferenceDataText} nor {LedgerText}."),
        };

        string? owner = null;
        var commands = shape == RowLevelSecurityShape.Ledger ? RowCommands.Select : RowCommands.None;
        List<string>? insert = null;
        List<string>? update = null;
        var appendedByTriggers = false;
        foreach (var part in parts.Skip(1))
        {
            if (part == AppendedByTriggersText)
            {
                appendedByTriggers = true;
                continue;
            }

            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var (key, value) = equals < 0 ? (part, string.Empty) : (part[..equals], part[(equals + 1)..]);
            switch (key)
            {
                case "owner":
                    owner = value;
                    break;
                case "commands":
                    commands = value.Split(',').Aggregate(RowCommands.None, (all, name) => all | CommandNamed(name, text));
                    break;
                case "insert":
                    insert = [.. value.Split(',')];
                    break;
                case "update":
                    update = [.. value.Split(',')];
                    break;
                default:
                    throw new FormatException($"'{text}' is not a row-level security declaration: '{part}' is not one of its parts.");
            }
        }

        try
        {
            var declaration = new RowLevelSecurityDeclaration(shape, owner, commands, insert, update, appendedByTriggers);
            return declaration._text == text
                ? declaration
                : throw new FormatException($"'{text}' is not in canonical form; it would be written '{declaration._text}'.");
        }
        catch (ArgumentException ex)
        {
            throw new FormatException($"'{text}' is not a valid row-level security declaration: {ex.Message}", ex);
        }
    }

    /// <summary>The same declaration with every name (owner and columns) passed through <paramref name="rename"/>.</summary>
    internal RowLevelSecurityDeclaration WithNames(Func<string, string> rename)
        => new(Shape, Owner is null ? null : rename(Owner), Commands, InsertColumns?.Select(rename), UpdateColumns?.Select(rename), AppendedByTriggersOnly);

    /// <summary>Every name the declaration mentions: the owner and the insert and update columns.</summary>
    internal IEnumerable<string> Names
        => (Owner is null ? [] : new[] { Owner }).Concat(InsertColumns ?? []).Concat(UpdateColumns ?? []).Distinct(StringComparer.Ordinal);

    /// <summary>The canonical text, for example <c>owned-rows; owner=user_id; commands=select,insert; insert=id,user_id</c>.</summary>
    public override string ToString() => _text;

    /// <inheritdoc />
    public bool Equals(RowLevelSecurityDeclaration? other) => other is not null && string.Equals(_text, other._text, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as RowLevelSecurityDeclaration);

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

        if ((Commands & ~RowCommands.All) != 0)
        {
            throw new ArgumentException($"{Commands} is not a set of row commands.");
        }

        switch (Shape)
        {
            case RowLevelSecurityShape.OwnedRows when Owner is null:
                throw new ArgumentException("Owned rows need an owner column.");
            case RowLevelSecurityShape.OwnedRows when !Commands.HasFlag(RowCommands.Select):
                throw new ArgumentException("Owners always read their own rows: the commands of owned rows include Select.");
            case RowLevelSecurityShape.OwnedRows when InsertColumns is { } insert && !insert.Contains(Owner, StringComparer.Ordinal):
                throw new ArgumentException($"Owners insert rows only with the owner column '{Owner}' among the insert columns.");
            case RowLevelSecurityShape.Ledger when Owner is null:
                throw new ArgumentException("A ledger needs an owner column.");
            case RowLevelSecurityShape.Ledger when Commands != RowCommands.Select || InsertColumns is not null || UpdateColumns is not null:
                throw new ArgumentException("A ledger is read by owners and appended to by the backend only: it takes no commands or columns.");
            case not RowLevelSecurityShape.Ledger when AppendedByTriggersOnly:
                throw new ArgumentException("Only a ledger can be appended to by the database's triggers alone.");
            case RowLevelSecurityShape.SharedReferenceData when Owner is not null:
                throw new ArgumentException("Shared reference data has no owner column.");
            case RowLevelSecurityShape.SharedReferenceData when !Commands.HasFlag(RowCommands.Select):
                throw new ArgumentException("Every signed-in caller reads shared reference data: its commands include Select.");
        }

        if (InsertColumns is { Count: 0 } || UpdateColumns is { Count: 0 })
        {
            throw new ArgumentException("A column list names at least one column; leave it out for every column.");
        }

        if (InsertColumns is not null && !Commands.HasFlag(RowCommands.Insert))
        {
            throw new ArgumentException("Insert columns are declared, but the commands do not include Insert.");
        }

        if (UpdateColumns is not null && !Commands.HasFlag(RowCommands.Update))
        {
            throw new ArgumentException("Update columns are declared, but the commands do not include Update.");
        }
    }

    private string Format()
    {
        var parts = new List<string>
        {
            Shape switch
            {
                RowLevelSecurityShape.OwnedRows => OwnedRowsText,
                RowLevelSecurityShape.SharedReferenceData => SharedReferenceDataText,
                _ => LedgerText,
            },
        };
        if (Owner is not null)
        {
            parts.Add("owner=" + Owner);
        }

        if (AppendedByTriggersOnly)
        {
            parts.Add(AppendedByTriggersText);
        }

        if (Shape != RowLevelSecurityShape.Ledger)
        {
            parts.Add("commands=" + string.Join(',', CommandTexts.Where(c => Commands.HasFlag(c.Command)).Select(c => c.Text)));
        }

        if (InsertColumns is not null)
        {
            parts.Add("insert=" + string.Join(',', InsertColumns));
        }

        if (UpdateColumns is not null)
        {
            parts.Add("update=" + string.Join(',', UpdateColumns));
        }

        return string.Join("; ", parts);
    }

    private static RowCommands CommandNamed(string name, string text)
        => CommandTexts.FirstOrDefault(c => c.Text == name) is { Text: not null } found
            ? found.Command
            : throw new FormatException($"'{text}' is not a row-level security declaration: '{name}' is not a command.");

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();
}
