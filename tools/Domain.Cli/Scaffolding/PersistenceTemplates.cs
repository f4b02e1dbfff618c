namespace Domain.Cli.Scaffolding;

/// <summary>The persistence layer of a scaffolded entity: its EF configuration (with its RLS) and its page query.</summary>
internal static class PersistenceTemplates
{
    public static string ConfigurationNamespace(EntitySpec e) => $"Domain.Persistence.EntityConfigurations.{e.Area}";

    public static string Configuration(EntitySpec e)
    {
        var x = e.Lambda;
        var fields = e.Fields.Select(f => $"{x}.{f.Property}").ToList();
        var code = new Code()
            .Line($"using {e.DomainNamespace};")
            .Line("using Domain.Persistence.RowLevelSecurity;")
            .Line("using Microsoft.EntityFrameworkCore;")
            .Line("using Microsoft.EntityFrameworkCore.Metadata.Builders;")
            .Line()
            .Line($"namespace {ConfigurationNamespace(e)};")
            .Line()
            .Line($"/// <summary>The table of <see cref=\"{e.Name}\"/>, with its row-level security (scaffolded by <c>domain scaffold entity</c>).</summary>")
            .Line($"internal sealed class {e.Name}Configuration : IEntityTypeConfiguration<{e.Name}>")
            .Line("{")
            .Line($"public void Configure(EntityTypeBuilder<{e.Name}> builder)", 1)
            .Line("{", 1);
        var checks = e.Fields.SelectMany(f => FieldCode.Checks(f, e.Table, e.LimitsClass)).ToList();
        if (checks.Count == 0)
        {
            code.Line($"builder.ToTable(\"{e.Table}\");", 2);
        }
        else
        {
            code.Line($"builder.ToTable(\"{e.Table}\", t =>", 2).Line("{", 2);
            foreach (var (name, sql) in checks)
            {
                code.Line($"t.HasCheckConstraint(\"{name}\", {sql});", 3);
            }

            code.Line("});", 2);
        }

        code.Line();
        var insert = string.Join(", ", (IEnumerable<string>)[$"{x}.Id", .. e.IsOwned ? [$"{x}.UserId"] : Array.Empty<string>(),
            .. e.IsChild ? [$"{x}.{e.RootKey}"] : Array.Empty<string>(), .. fields, $"{x}.CreatedAt"]);
        var update = string.Join(", ", fields.Append($"{x}.UpdatedAt"));
        switch (e.Shape)
        {
            case EntityShape.Root:
                code.Line("// The id, the owner and the creation time are written once; updated_at belongs to its trigger.", 2)
                    .Line("builder.HasRowLevelSecurity(rls => rls", 2)
                    .Line($".OwnedBy({x} => {x}.UserId)", 3)
                    .Line(".Commands(RowCommands.All)", 3)
                    .Line($".InsertColumns({x} => new {{ {insert} }})", 3)
                    .Line($".UpdateColumns({x} => new {{ {update} }}));", 3);
                break;
            case EntityShape.Shared:
                code.Line("// Every signed-in caller reads; admins and the backend write. updated_at belongs to its trigger.", 2)
                    .Line("builder.HasRowLevelSecurity(rls => rls", 2)
                    .Line(".SharedReferenceData()", 3)
                    .Line(".Commands(RowCommands.All)", 3)
                    .Line($".InsertColumns({x} => new {{ {insert} }})", 3)
                    .Line($".UpdateColumns({x} => new {{ {string.Join(", ", fields)} }}));", 3);
                break;
            case EntityShape.Ledger:
                code.Line("// The backend appends; owners read their own records, admins every record; nobody changes or removes one.", 2)
                    .Line($"builder.HasRowLevelSecurity(rls => rls.LedgerOwnedBy({x} => {x}.UserId));", 2);
                break;
            case EntityShape.Child:
                code.Line($"// Owners add, read and remove their {Naming.Words(e.Collection)}; a {e.Words} is never changed in place.", 2)
                    .Line("builder.HasRowLevelSecurity(rls => rls", 2)
                    .Line($".OwnedBy({x} => {x}.UserId)", 3)
                    .Line(".Commands(RowCommands.Select | RowCommands.Insert | RowCommands.Delete)", 3)
                    .Line($".InsertColumns({x} => new {{ {insert} }}));", 3);
                break;
        }

        code.Line()
            .Line($"builder.HasKey({x} => {x}.Id);", 2)
            .Line($"builder.Property({x} => {x}.Id).HasDefaultValueSql(\"gen_random_uuid()\").ValueGeneratedNever();", 2);
        if (e.Shape == EntityShape.Root)
        {
            code.Line()
                .Line("// The owner-carrying key a child references: a child can only hang under a parent of its own user.", 2)
                .Line($"builder.HasAlternateKey({x} => new {{ {x}.Id, {x}.UserId }});", 2);
        }

        code.Line()
            .Lines(e.Fields.SelectMany(f => FieldCode.Configuration(f, x, e.LimitsClass)), 2)
            .Line($"builder.Property({x} => {x}.CreatedAt).HasDefaultValueSql(\"now()\");", 2);
        if (e.Shape == EntityShape.Root)
        {
            code.Line($"builder.Property({x} => {x}.UpdatedAt).TouchedByChildChanges(defaultValueSql: \"now()\");", 2);
        }
        else if (e.Shape == EntityShape.Shared)
        {
            code.Line($"builder.Property({x} => {x}.UpdatedAt).MaintainedByDatabase(defaultValueSql: \"now()\");", 2);
        }

        if (e.HasUpdate)
        {
            code.Line("builder.Property<uint>(EntityConfigurationExtensions.RowVersion).IsRowVersion();", 2);
        }

        code.Line();
        switch (e.Shape)
        {
            case EntityShape.Root or EntityShape.Ledger:
                code.Line("// A user's page, newest first, read from the index alone whether the query or only RLS names the user.", 2)
                    .Line($"builder.HasIndex({x} => new {{ {x}.UserId, {x}.CreatedAt, {x}.Id }})", 2)
                    .Line(".IsDescending(false, true, true)", 3)
                    .Line($".HasDatabaseName(\"ix_{e.Table}_user_id_created_at\");", 3);
                break;
            case EntityShape.Shared:
                code.Line("// The page, newest first.", 2)
                    .Line($"builder.HasIndex({x} => new {{ {x}.CreatedAt, {x}.Id }})", 2)
                    .Line(".IsDescending(true, true)", 3)
                    .Line($".HasDatabaseName(\"ix_{e.Table}_created_at\");", 3);
                break;
            case EntityShape.Child:
                code.Line($"// The key to the {Naming.Words(e.Root!.Name)} (its id and owner) leads the index, which also pages its {Naming.Words(e.Collection)}.", 2)
                    .Line($"builder.HasIndex({x} => new {{ {x}.{e.RootKey}, {x}.UserId, {x}.CreatedAt, {x}.Id }});", 2);
                break;
        }

        return code.Line("}", 1).Line("}").ToString();
    }

    /// <summary>What a child adds to its root's mapping, in a configuration of its own so the root's file is left alone.</summary>
    public static string RootPartConfiguration(EntitySpec e)
    {
        var root = e.Root!;
        var r = Naming.Lambda(root.Name);
        var x = e.Lambda == r ? "c" : e.Lambda;
        var counter = Naming.Snake(e.Counter);
        return new Code()
            .Line($"using {root.Namespace};")
            .Line("using Microsoft.EntityFrameworkCore;")
            .Line("using Microsoft.EntityFrameworkCore.Metadata.Builders;")
            .Line()
            .Line($"namespace {ConfigurationNamespace(e)};")
            .Line()
            .Line("/// <summary>")
            .Line($"/// What <see cref=\"{e.Name}\"/> adds to the table of <see cref=\"{root.Name}\"/>: the collection under the owner-carrying")
            .Line("/// key, and the counter the database keeps (scaffolded by <c>domain scaffold entity</c>).")
            .Line("/// </summary>")
            .Line($"internal sealed class {root.Name}{e.Collection}Configuration : IEntityTypeConfiguration<{root.Name}>")
            .Line("{")
            .Line($"public void Configure(EntityTypeBuilder<{root.Name}> builder)", 1)
            .Line("{", 1)
            .Line($"builder.ToTable(\"{root.Table}\", t => t.HasCheckConstraint(\"ck_{root.Table}_{counter}_non_negative\", \"{counter} >= 0\"));", 2)
            .Line($"builder.Property({r} => {r}.{e.Counter}).MaintainedByDatabase(defaultValueSql: \"0\");", 2)
            .Line($"builder.HasMany({r} => {r}.{e.Collection}).WithOne()", 2)
            .Line($".HasForeignKey({x} => new {{ {x}.{e.RootKey}, {x}.UserId }})", 3)
            .Line($".HasPrincipalKey({r} => new {{ {r}.Id, {r}.UserId }})", 3)
            .Line(".OnDelete(DeleteBehavior.Cascade);", 3)
            .Line("}", 1)
            .Line("}")
            .ToString();
    }

    public static string QueriesNamespace(EntitySpec e) => $"Domain.Persistence.{e.Area}";

    /// <summary>The keyset page: newest first for a root, oldest first (history) for a root's children.</summary>
    public static string Queries(EntitySpec e)
    {
        var x = e.Lambda;
        var code = new Code()
            .Line($"using {e.DomainNamespace};")
            .Line("using Microsoft.EntityFrameworkCore;")
            .Line()
            .Line($"namespace {QueriesNamespace(e)};")
            .Line()
            .Line($"/// <summary>Reads of <see cref=\"{e.Name}\"/> beyond a lookup by id (scaffolded by <c>domain scaffold entity</c>). RLS applies as to any query.</summary>")
            .Line($"public static class {e.Name}Queries")
            .Line("{")
            .Line("/// <summary>", 1);
        string filter;
        string parameter;
        switch (e.Shape)
        {
            case EntityShape.Child:
                code.Line($"/// A page of the {Naming.Words(e.Root!.Name)}'s {Naming.Words(e.Collection)}, oldest first, after <paramref name=\"after\"/> (the last of the", 1)
                    .Line("/// previous page) when given. The row comparison lets PostgreSQL start the index scan at the cursor, however deep.", 1);
                parameter = $"Guid {Naming.Camel(e.RootKey!)}, ";
                filter = $"db.Set<{e.Name}>().AsNoTracking().Where({x} => {x}.{e.RootKey} == {Naming.Camel(e.RootKey!)})";
                break;
            case EntityShape.Shared:
                code.Line($"/// A page of {Naming.Words(e.Collection)}, newest first, after <paramref name=\"after\"/> (the last of the previous page)", 1)
                    .Line("/// when given. The row comparison lets PostgreSQL start the index scan at the cursor, however deep.", 1);
                parameter = string.Empty;
                filter = $"db.Set<{e.Name}>().AsNoTracking()";
                break;
            default:
                code.Line($"/// A page of {Naming.Words(e.Collection)}, newest first, after <paramref name=\"after\"/> (the last of the previous page)", 1)
                    .Line("/// when given: those of <paramref name=\"userId\"/> when given, otherwise every one RLS lets the caller see. The row", 1)
                    .Line("/// comparison lets PostgreSQL start the index scan at the cursor, however deep.", 1);
                parameter = "Guid? userId, ";
                filter = $"db.Set<{e.Name}>().AsNoTracking()";
                break;
        }

        var (compare, order) = e.IsChild
            ? ("GreaterThan", $"OrderBy({x} => {x}.CreatedAt).ThenBy({x} => {x}.Id)")
            : ("LessThan", $"OrderByDescending({x} => {x}.CreatedAt).ThenByDescending({x} => {x}.Id)");
        code.Line("/// </summary>", 1)
            .Line($"public static Task<List<{e.Name}>> {e.Name}PageAsync(", 1)
            .Line($"this DomainDbContext db, {parameter}int size, (DateTimeOffset CreatedAt, Guid Id)? after, CancellationToken cancellationToken = default)", 2)
            .Line("{", 1)
            .Line($"var rows = {filter};", 2);
        if (e.Shape is EntityShape.Root or EntityShape.Ledger)
        {
            code.Line("if (userId is { } owner)", 2)
                .Line("{", 2)
                .Line($"rows = rows.Where({x} => {x}.UserId == owner);", 3)
                .Line("}", 2)
                .Line();
        }

        return code.Line("if (after is { } cursor)", 2)
            .Line("{", 2)
            .Line($"rows = rows.Where({x} => EF.Functions.{compare}(ValueTuple.Create({x}.CreatedAt, {x}.Id), ValueTuple.Create(cursor.CreatedAt, cursor.Id)));", 3)
            .Line("}", 2)
            .Line()
            .Line($"return rows.{order}.Take(size).ToListAsync(cancellationToken);", 2)
            .Line("}", 1)
            .Line("}")
            .ToString();
    }
}
