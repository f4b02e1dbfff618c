namespace Domain.Cli.Scaffolding;

/// <summary>What a scaffolded entity is, which decides its table's RLS and the code around it.</summary>
internal enum EntityShape
{
    /// <summary>The root of a new aggregate owned by a user (<c>--root</c>).</summary>
    Root,

    /// <summary>A child inside an existing user-owned aggregate (<c>--in Aggregate</c>).</summary>
    Child,

    /// <summary>A root nobody owns that every signed-in caller reads and admins write (<c>--root --shared</c>).</summary>
    Shared,

    /// <summary>An append-only record of a user's, written by the backend (<c>--root --ledger</c>).</summary>
    Ledger,
}

/// <summary>The existing aggregate a child is scaffolded into, as the built model describes it.</summary>
/// <param name="Name">The root type, such as <c>Session</c>.</param>
/// <param name="Namespace">Its namespace, such as <c>Domain.Sessions</c>.</param>
/// <param name="Table">Its table.</param>
/// <param name="SourcePath">The file that declares the root class, relative to the repository.</param>
/// <param name="IsPartial">Whether that declaration is already partial.</param>
/// <param name="Factory">A C# call that creates a root for the tests, with <c>{owner}</c>, <c>{now}</c> and, where the
/// factory takes one, <c>{id}</c> to fill in.</param>
/// <param name="FactoryTakesId">Whether <see cref="Factory"/> can be given the id of the root to create.</param>
internal sealed record RootInfo(string Name, string Namespace, string Table, string SourcePath, bool IsPartial, string Factory, bool FactoryTakesId);

/// <summary>The entity to scaffold, with every name the templates use derived in one place.</summary>
internal sealed record EntitySpec(string Name, EntityShape Shape, IReadOnlyList<FieldSpec> Fields, RootInfo? Root)
{
    public string Plural => Naming.Plural(Name);

    public string Table => Naming.Snake(Plural);

    /// <summary>The folder and last namespace segment the entity lives under: its own plural, or its root's.</summary>
    public string Area => Root is null ? Plural : Root.Namespace[(Root.Namespace.LastIndexOf('.') + 1)..];

    public string DomainNamespace => $"Domain.{Area}";

    public string Lambda => Naming.Lambda(Name);

    public string Words => Naming.Words(Name);

    public bool IsOwned => Shape is not EntityShape.Shared;

    public bool HasUpdatedAt => Shape is EntityShape.Root or EntityShape.Shared;

    public bool IsChild => Shape == EntityShape.Child;

    public string LimitsClass => $"{Name}Limits";

    public bool HasLimits => Fields.Any(f => f.Limits().Any());

    /// <summary>The child's key to its root (<c>SessionId</c>); null for a root.</summary>
    public string? RootKey => Root is null ? null : $"{Root.Name}Id";

    /// <summary>The root's collection of these children (<c>Tags</c>).</summary>
    public string Collection => Plural;

    /// <summary>The root's counter of these children (<c>TagCount</c>).</summary>
    public string Counter => $"{Name}Count";

    public string DtoName => $"{Name}Dto";

    public string StoreName => $"{Name}Store";

    /// <summary>The interface every request carrying the entity's fields implements, so one validator checks them.</summary>
    public string FieldsInterface => $"I{Name}Fields";

    public string CreateRequest => Shape switch
    {
        EntityShape.Child => $"Add{Name}Request",
        EntityShape.Ledger => $"Append{Name}Request",
        _ => $"Create{Name}Request",
    };

    public string UpdateRequest => $"Update{Name}Request";

    public string ListRequest => $"List{Plural}Request";

    public string Cursor => $"{Name}Cursor";

    public bool HasUpdate => Shape is EntityShape.Root or EntityShape.Shared;
}
