namespace Domain.Cli.Scaffolding;

/// <summary>The domain layer of a scaffolded entity: the entity, its limits and, for a child, its part of the root.</summary>
internal static class DomainTemplates
{
    public static string Limits(EntitySpec e)
    {
        var code = new Code()
            .Line($"namespace {e.DomainNamespace};")
            .Line()
            .Line($"/// <summary>Limits of {e.Name}, shared by the EF configuration, the database checks and the validators.</summary>")
            .Line($"public static class {e.LimitsClass}")
            .Line("{");
        foreach (var (name, value) in e.Fields.SelectMany(f => f.Limits()))
        {
            code.Line($"public const int {name} = {value};", 1);
        }

        return code.Line("}").ToString();
    }

    public static string Root(EntitySpec e)
    {
        var variable = Naming.Camel(e.Name);
        var parameters = Parameters(e);
        var summary = e.Shape switch
        {
            EntityShape.Shared => $"A {e.Words} nobody owns: every signed-in caller reads it, admins and the backend write it.",
            EntityShape.Ledger => $"A {e.Words} recorded for a user by the backend: appended once, never changed.",
            _ => $"A {e.Words} owned by one user: the root of its aggregate, changed only through its methods.",
        };
        var code = new Code()
            .Line("using Domain.Common;")
            .Line()
            .Line($"namespace {e.DomainNamespace};")
            .Line()
            .Line("/// <summary>")
            .Line($"/// {summary}")
            .Line("/// Scaffolded by <c>domain scaffold entity</c>; its rules belong in its methods.")
            .Line("/// </summary>")
            .Line($"public sealed partial class {e.Name} : IAggregateRoot")
            .Line("{");
        Constructor(code, e, e.Name);
        code.Line("public Guid Id { get; private set; }", 1).Line();
        if (e.IsOwned)
        {
            code.Line(e.Shape == EntityShape.Ledger
                    ? "/// <summary>The user the record belongs to.</summary>"
                    : "/// <summary>The owner; every child row carries the same value.</summary>", 1)
                .Line("public Guid UserId { get; private set; }", 1)
                .Line();
        }

        Properties(code, e);
        code.Line("public DateTimeOffset CreatedAt { get; private set; }", 1);
        if (e.HasUpdatedAt)
        {
            code.Line()
                .Line("/// <summary>Last change of the row, maintained by the database.</summary>", 1)
                .Line("public DateTimeOffset UpdatedAt { get; private set; }", 1);
        }

        var factory = e.Shape == EntityShape.Ledger ? "Record" : "Create";
        var owner = e.IsOwned ? "Guid userId, " : string.Empty;
        code.Line()
            .Line(e.Shape switch
            {
                EntityShape.Shared => $"/// <summary>A new {e.Words}.</summary>",
                EntityShape.Ledger => $"/// <summary>A new record for <paramref name=\"userId\"/>.</summary>",
                _ => $"/// <summary>A new {e.Words} owned by <paramref name=\"userId\"/>.</summary>",
            }, 1)
            .Call($"public static {e.Name} {factory}", [.. e.IsOwned ? ["Guid userId"] : Array.Empty<string>(), .. Bare(parameters), "DateTimeOffset now", "Guid? id = null"], string.Empty, 1)
            .Line("{", 1)
            .Line($"var {variable} = new {e.Name}", 2)
            .Line("{", 2)
            .Line("Id = id ?? Guid.CreateVersion7(now),", 3);
        if (e.IsOwned)
        {
            code.Line("UserId = Guard.NotEmpty(userId, \"user_id\"),", 3);
        }

        if (!e.HasUpdate)
        {
            foreach (var field in e.Fields)
            {
                code.Line($"{field.Property} = {FieldCode.Guarded(field, field.Parameter, e.LimitsClass)},", 3);
            }
        }

        code.Line("CreatedAt = now,", 3);
        if (e.HasUpdatedAt)
        {
            code.Line("UpdatedAt = now,", 3);
        }

        code.Line("};", 2);
        if (e.HasUpdate && e.Fields.Count > 0)
        {
            code.Call($"{variable}.Change", [.. e.Fields.Select(f => f.Parameter)], ";", 2);
        }

        code.Line($"return {variable};", 2).Line("}", 1);
        if (e.HasUpdate && e.Fields.Count > 0)
        {
            code.Line()
                .Line("/// <summary>Replaces every field, each checked as on creation.</summary>", 1)
                .Call("public void Change", Bare(parameters), string.Empty, 1)
                .Line("{", 1);
            foreach (var field in e.Fields)
            {
                code.Line($"{field.Property} = {FieldCode.Guarded(field, field.Parameter, e.LimitsClass)};", 2);
            }

            code.Line("}", 1);
        }

        return code.Line("}").ToString();
    }

    public static string Child(EntitySpec e)
    {
        var root = e.Root!;
        var rootVariable = Naming.Camel(root.Name);
        var code = new Code();
        if (NeedsGuard(e))
        {
            code.Line("using Domain.Common;").Line();
        }

        code.Line($"namespace {e.DomainNamespace};")
            .Line()
            .Line("/// <summary>")
            .Line($"/// A {e.Words} of a {Naming.Words(root.Name)}, added and removed through its root (<see cref=\"{root.Name}.Add{e.Name}\"/>).")
            .Line("/// Scaffolded by <c>domain scaffold entity</c>.")
            .Line("/// </summary>")
            .Line($"public sealed class {e.Name}")
            .Line("{");
        Constructor(code, e, e.Name);
        code.Call($"internal {e.Name}", ["Guid id", $"{root.Name} {rootVariable}", .. Bare(Parameters(e)), "DateTimeOffset createdAt"], string.Empty, 1)
            .Line("{", 1)
            .Line("Id = id;", 2)
            .Line($"{e.RootKey} = {rootVariable}.Id;", 2)
            .Line($"UserId = {rootVariable}.UserId;", 2);
        foreach (var field in e.Fields)
        {
            code.Line($"{field.Property} = {FieldCode.Guarded(field, field.Parameter, e.LimitsClass)};", 2);
        }

        code.Line("CreatedAt = createdAt;", 2)
            .Line("}", 1)
            .Line()
            .Line("public Guid Id { get; private set; }", 1)
            .Line()
            .Line($"/// <summary>The {Naming.Words(root.Name)} this belongs to.</summary>", 1)
            .Line($"public Guid {e.RootKey} {{ get; private set; }}", 1)
            .Line()
            .Line($"/// <summary>The owner: always the {Naming.Words(root.Name)}'s (the key to it carries the owner).</summary>", 1)
            .Line("public Guid UserId { get; private set; }", 1)
            .Line();
        Properties(code, e);
        code.Line("public DateTimeOffset CreatedAt { get; private set; }", 1);
        return code.Line("}").ToString();
    }

    /// <summary>The root's part for a child: the collection, the counter the database keeps, and the methods.</summary>
    public static string RootPart(EntitySpec e)
    {
        var root = e.Root!;
        var field = "_" + Naming.Camel(e.Collection).TrimStart('@');
        var variable = Naming.Camel(e.Name).TrimStart('@');
        var parameters = Parameters(e);
        return new Code()
            .Line($"namespace {root.Namespace};")
            .Line()
            .Line($"/// <summary>The {Naming.Words(e.Collection)} of a {Naming.Words(root.Name)} (scaffolded by <c>domain scaffold entity</c>).</summary>")
            .Line($"public partial class {root.Name}")
            .Line("{")
            .Line($"private readonly List<{e.Name}> {field} = [];", 1)
            .Line()
            .Line($"/// <summary>Number of {Naming.Words(e.Collection)}, maintained by the database.</summary>", 1)
            .Line($"public int {e.Counter} {{ get; private set; }}", 1)
            .Line()
            .Line($"public IReadOnlyCollection<{e.Name}> {e.Collection} => {field}.AsReadOnly();", 1)
            .Line()
            .Line($"/// <summary>Adds a {e.Words} to this {Naming.Words(root.Name)}.</summary>", 1)
            .Call($"public {e.Name} Add{e.Name}", [.. Bare(parameters), "DateTimeOffset now"], string.Empty, 1)
            .Line("{", 1)
            .Call($"var {variable} = new {e.Name}", ["Guid.CreateVersion7(now)", "this", .. e.Fields.Select(f => f.Parameter), "now"], ";", 2)
            .Line($"{field}.Add({variable});", 2)
            .Line($"return {variable};", 2)
            .Line("}", 1)
            .Line()
            .Line($"/// <summary>Removes the {e.Words} <paramref name=\"{variable}Id\"/>; false when this {Naming.Words(root.Name)} (as loaded) does not hold it.</summary>", 1)
            .Line($"public bool Remove{e.Name}(Guid {variable}Id)", 1)
            .Line("{", 1)
            .Line($"var {variable} = {field}.Find(c => c.Id == {variable}Id);", 2)
            .Line($"return {variable} is not null && {field}.Remove({variable});", 2)
            .Line("}", 1)
            .Line("}")
            .ToString();
    }

    /// <summary>Each field as a parameter with its separator: <c>"string title, "</c>.</summary>
    private static List<string> Parameters(EntitySpec e) => [.. e.Fields.Select(f => $"{f.ClrType} {f.Parameter}, ")];

    private static List<string> Bare(IEnumerable<string> parameters) => [.. parameters.Select(p => p.TrimEnd(',', ' '))];

    private static bool NeedsGuard(EntitySpec e) => e.Fields.Any(f => FieldCode.Guarded(f, f.Parameter, e.LimitsClass) != f.Parameter);

    private static void Constructor(Code code, EntitySpec e, string name)
    {
        var required = e.Fields.Where(f => f.BaseClrType == "string" && !f.Nullable).ToList();
        code.Line($"private {name}()", 1).Line("{", 1);
        foreach (var field in required)
        {
            code.Line($"{field.Property} = string.Empty;", 2);
        }

        code.Line("}", 1).Line();
    }

    private static void Properties(Code code, EntitySpec e)
    {
        foreach (var field in e.Fields)
        {
            code.Line($"public {field.ClrType} {field.Property} {{ get; private set; }}", 1).Line();
        }
    }
}
