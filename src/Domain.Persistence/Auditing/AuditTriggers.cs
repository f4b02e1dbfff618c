namespace Domain.Persistence.Auditing;

/// <summary>
/// The triggers an <see cref="AuditDeclaration"/> (in column names) stands for, and the SQL that takes a table from one
/// declaration to another (either may be none). Every trigger calls one of the audit trail's functions in
/// <c>domain_private</c>, which a migration creates before any table is audited (<c>CreateAuditTrail</c>):
/// <list type="bullet">
/// <item><c>audit_row_changes</c>: after each inserted or deleted row;</item>
/// <item><c>audit_row_updates</c>: after each updated row whose columns, the excluded ones aside, changed; the
/// condition is the trigger's <c>WHEN</c>, evaluated without calling the function, so an update of excluded columns
/// alone (the counter triggers' own) costs a comparison and writes nothing;</item>
/// <item><c>audit_truncate</c>: once per TRUNCATE (which only the table's owner may run).</item>
/// </list>
/// The trigger names are per table, so they survive a rename of the table.
/// </summary>
internal static class AuditTriggers
{
    /// <summary>The function every row trigger calls, with the key, the owner ('' for none) and the excluded columns as arguments.</summary>
    public const string RowChangeFunction = DatabaseSchemas.Private + ".record_row_change";

    /// <summary>The function the TRUNCATE trigger calls.</summary>
    public const string TruncateFunction = DatabaseSchemas.Private + ".record_truncate";

    public static readonly IReadOnlyList<string> Names = ["audit_row_changes", "audit_row_updates", "audit_truncate"];

    /// <summary>
    /// The statements that take <paramref name="oldTable"/> from <paramref name="before"/> to <paramref name="after"/> on
    /// <paramref name="newTable"/> (quoted, qualified names): the old triggers are dropped before the migration's other
    /// operations and the new ones created after them, as the row-level security change is.
    /// </summary>
    public static (IReadOnlyList<string> Teardown, IReadOnlyList<string> Build) Between(
        string oldTable, AuditDeclaration? before, string newTable, AuditDeclaration? after)
    {
        if (Equals(before, after))
        {
            return ([], []);
        }

        IReadOnlyList<string> teardown = before is null ? [] : [.. Names.Select(name => $"DROP TRIGGER {name} ON {oldTable}")];
        IReadOnlyList<string> build = after is null ? [] : Create(newTable, after);
        return (teardown, build);
    }

    private static List<string> Create(string table, AuditDeclaration declaration)
    {
        var key = declaration.Key ?? throw new InvalidOperationException($"The audit declaration of {table} names no key: {declaration}.");
        string[] arguments = [key, declaration.Owner ?? string.Empty, .. declaration.Excluded];
        var call = $"{RowChangeFunction}({string.Join(", ", arguments.Select(Literal))})";
        var changed = declaration.Excluded.Count == 0
            ? "OLD.* IS DISTINCT FROM NEW.*"
            : $"(to_jsonb(OLD.*) - {Array(declaration.Excluded)}) IS DISTINCT FROM (to_jsonb(NEW.*) - {Array(declaration.Excluded)})";
        return
        [
            $"CREATE TRIGGER audit_row_changes AFTER INSERT OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {call}",
            $"CREATE TRIGGER audit_row_updates AFTER UPDATE ON {table} FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {call}",
            $"CREATE TRIGGER audit_truncate AFTER TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {TruncateFunction}()",
        ];
    }

    // Names are identifiers (the declaration checks them), so they need no escaping inside quotes.
    private static string Literal(string name) => $"'{name}'";

    private static string Array(IEnumerable<string> names) => $"'{{{string.Join(',', names)}}}'::text[]";
}
