namespace Domain.Cli.Scaffolding;

/// <summary>The application layer of a scaffolded entity: requests and DTOs, validators, the mapping and the store.</summary>
internal static class ApplicationTemplates
{
    public static string Namespace(EntitySpec e) => $"Domain.Application.{e.Area}";

    public static string Contracts(EntitySpec e)
    {
        var fields = e.Fields.Select(f => $"{f.ClrType} {f.Property}").ToList();
        var code = new Code()
            .Line($"namespace {Namespace(e)};")
            .Line()
            .Line($"/// <summary>The fields of a {e.Words} that requests carry, so that one validator checks them wherever they come.</summary>")
            .Line($"public interface {e.FieldsInterface}")
            .Line("{");
        for (var i = 0; i < e.Fields.Count; i++)
        {
            code.Line($"{e.Fields[i].ClrType} {e.Fields[i].Property} {{ get; }}", 1);
            if (i < e.Fields.Count - 1)
            {
                code.Line();
            }
        }

        code.Line("}").Line();
        switch (e.Shape)
        {
            case EntityShape.Ledger:
                code.Line($"/// <summary>Input to record a {e.Words} for the user <see cref=\"UserId\"/> (the backend appends records).</summary>")
                    .Call($"public sealed record {e.CreateRequest}", ["Guid UserId", .. fields], $" : {e.FieldsInterface};", 0);
                break;
            case EntityShape.Child:
                code.Line($"/// <summary>Input to add a {e.Words} to a {Naming.Words(e.Root!.Name)}.</summary>")
                    .Call($"public sealed record {e.CreateRequest}", fields, $" : {e.FieldsInterface};", 0);
                break;
            default:
                code.Line($"/// <summary>Input to create a {e.Words}.</summary>")
                    .Call($"public sealed record {e.CreateRequest}", fields, $" : {e.FieldsInterface};", 0)
                    .Line()
                    .Line($"/// <summary>Input to replace a {e.Words}'s fields.</summary>")
                    .Call($"public sealed record {e.UpdateRequest}", fields, $" : {e.FieldsInterface};", 0);
                break;
        }

        var order = e.IsChild ? "oldest" : "newest";
        List<string> dto = [
            "Guid Id", .. e.IsOwned && !e.IsChild ? ["Guid UserId"] : Array.Empty<string>(), .. e.IsChild ? [$"Guid {e.RootKey}"] : Array.Empty<string>(),
            .. e.Fields.Select(f => $"{f.ClrType} {f.Property}"), "DateTimeOffset CreatedAt", .. e.HasUpdatedAt ? ["DateTimeOffset UpdatedAt"] : Array.Empty<string>()];
        return code.Line()
            .Line($"/// <summary>Where a page of {Naming.Words(e.Collection)} starts: after the one with this creation time and id (the last of the previous page).</summary>")
            .Line($"public sealed record {e.Cursor}(DateTimeOffset CreatedAt, Guid Id);")
            .Line()
            .Line($"/// <summary>Input to list {Naming.Words(e.Collection)}, {order} first: the page size and, for every page but the first, where it starts.</summary>")
            .Line($"public sealed record {e.ListRequest}(int PageSize = {e.ListRequest}.DefaultPageSize, {e.Cursor}? After = null)")
            .Line("{")
            .Line("public const int DefaultPageSize = 20;", 1)
            .Line("public const int MaxPageSize = 200;", 1)
            .Line()
            .Line($"/// <summary>The request for the page after <paramref name=\"last\"/>, the last {e.Words} of the previous page.</summary>", 1)
            .Line($"public static {e.ListRequest} NextPage({e.DtoName} last, int pageSize = DefaultPageSize) => new(pageSize, new {e.Cursor}(last.CreatedAt, last.Id));", 1)
            .Line("}")
            .Line()
            .Line($"/// <summary>A {e.Words} as callers see it.</summary>")
            .Call($"public sealed record {e.DtoName}", dto, ";", 0)
            .ToString();
    }

    public static string Validators(EntitySpec e)
    {
        var rules = e.Fields.Select(f => FieldCode.Rule(f, e.LimitsClass)).OfType<string>().ToList();
        var code = new Code();
        if (rules.Any(r => r.Contains(".Storable", StringComparison.Ordinal)))
        {
            code.Line("using Domain.Application.Common;");
        }

        if (e.HasLimits)
        {
            code.Line($"using {e.DomainNamespace};");
        }

        code.Line("using FluentValidation;")
            .Line()
            .Line($"namespace {Namespace(e)};")
            .Line()
            .Line(e.HasLimits
                ? $"/// <summary>The rules of a {e.Words}'s fields, with the limits of <see cref=\"{e.LimitsClass}\"/>, for every request that carries them.</summary>"
                : $"/// <summary>The rules of a {e.Words}'s fields, for every request that carries them.</summary>")
            .Line($"public abstract class {e.Name}FieldsValidator<T> : AbstractValidator<T>")
            .Line($"where T : {e.FieldsInterface}", 1)
            .Line("{")
            .Line($"protected {e.Name}FieldsValidator()", 1)
            .Line("{", 1)
            .Lines(rules, 2)
            .Line("}", 1)
            .Line("}")
            .Line();
        if (e.Shape == EntityShape.Ledger)
        {
            code.Line($"public sealed class {e.CreateRequest}Validator : {e.Name}FieldsValidator<{e.CreateRequest}>")
                .Line("{")
                .Line($"public {e.CreateRequest}Validator()", 1)
                .Line("{", 1)
                .Line("RuleFor(r => r.UserId).NotEqual(Guid.Empty);", 2)
                .Line("}", 1)
                .Line("}");
        }
        else
        {
            code.Line($"public sealed class {e.CreateRequest}Validator : {e.Name}FieldsValidator<{e.CreateRequest}>").Line("{").Line("}");
        }

        if (e.HasUpdate)
        {
            code.Line().Line($"public sealed class {e.UpdateRequest}Validator : {e.Name}FieldsValidator<{e.UpdateRequest}>").Line("{").Line("}");
        }

        return code.Line()
            .Line($"public sealed class {e.ListRequest}Validator : AbstractValidator<{e.ListRequest}>")
            .Line("{")
            .Line($"public {e.ListRequest}Validator()", 1)
            .Line("{", 1)
            .Line($"RuleFor(r => r.PageSize).InclusiveBetween(1, {e.ListRequest}.MaxPageSize);", 2)
            .Line("}", 1)
            .Line("}")
            .ToString();
    }

    public static string Mapping(EntitySpec e) => new Code()
        .Line($"using {e.DomainNamespace};")
        .Line("using Mapster;")
        .Line()
        .Line($"namespace {Namespace(e)};")
        .Line()
        .Line($"/// <summary>Mapster configuration from <see cref=\"{e.Name}\"/> to its DTO. A unit test compiles it with every destination member required.</summary>")
        .Line($"public sealed class {e.Name}Mapping : IRegister")
        .Line("{")
        .Line($"public void Register(TypeAdapterConfig config) => config.NewConfig<{e.Name}, {e.DtoName}>();", 1)
        .Line("}")
        .ToString();

    public static string Store(EntitySpec e) => e.Shape switch
    {
        EntityShape.Child => ChildStore(e),
        EntityShape.Ledger => LedgerStore(e),
        _ => RootStore(e),
    };

    private static string Arguments(EntitySpec e) => string.Join(", ", e.Fields.Select(f => $"r.{f.Property}"));

    private static string Usings(EntitySpec e, bool validation, bool errors)
    {
        var code = new Code().Line("using Domain.Application.Common;");
        if (e.IsChild && e.Root!.Namespace != e.DomainNamespace)
        {
            code.Line($"using {e.Root.Namespace};");
        }

        code.Line($"using {e.DomainNamespace};")
            .Line("using Domain.Persistence;");
        if (errors)
        {
            code.Line("using Domain.Persistence.Errors;");
        }

        code.Line($"using {PersistenceTemplates.QueriesNamespace(e)};");
        if (validation)
        {
            code.Line("using FluentValidation;");
        }

        return code.Line("using Mapster;").Line("using Microsoft.EntityFrameworkCore;").ToString();
    }

    private static string RootStore(EntitySpec e)
    {
        var v = Naming.Camel(e.Name);
        var owned = e.Shape == EntityShape.Root;
        var create = owned
            ? $$"""
                var owner = caller.UserId ?? throw new ValidationException($"Only a signed-in user can own a {{e.Words}}; the caller is {caller}.");
                var {{v}} = {{e.Name}}.Create(owner, {{Arguments(e)}}, clock.GetUtcNow());
                """
            : $$"""
                var {{v}} = {{e.Name}}.Create({{Arguments(e)}}, clock.GetUtcNow());
                """;
        var summary = owned
            ? $"""
                /// <summary>
                /// Use cases of <see cref="{e.Name}"/>, each acting for one caller through <see cref="RequestPipeline"/>: the request is
                /// validated before the database is touched, and RLS decides what the caller reaches (a user their own
                /// {Naming.Words(e.Collection)}; an admin reads every one and changes their own; anon nothing). Scaffolded by <c>domain scaffold entity</c>.
                /// </summary>
                """
            : $"""
                /// <summary>
                /// Use cases of <see cref="{e.Name}"/>, each acting for one caller through <see cref="RequestPipeline"/>: the request is
                /// validated before the database is touched, and RLS decides what the caller reaches (every signed-in caller
                /// reads; admins and the backend write; anyone else's write is refused). Scaffolded by <c>domain scaffold entity</c>.
                /// </summary>
                """;
        var createSummary = owned
            ? $"/// <summary>Creates a {e.Words} owned by the caller, who must be a signed-in user.</summary>"
            : $"/// <summary>Creates a {e.Words}; only admins and the backend may (the database refuses anyone else).</summary>";
        var listSummary = owned
            ? $"""
                /// <summary>
                /// One page of the caller's {Naming.Words(e.Collection)}, newest first, by keyset: pass the last of a page as
                /// <see cref="{e.ListRequest}.After"/> for the next. The backend pages through every user's.
                /// </summary>
                """
            : $"""
                /// <summary>
                /// One page of {Naming.Words(e.Collection)}, newest first, by keyset: pass the last of a page as
                /// <see cref="{e.ListRequest}.After"/> for the next.
                /// </summary>
                """;
        var page = owned ? "caller.UserId, r.PageSize" : "r.PageSize";
        var updateSummary = owned
            ? $"/// <summary>Replaces the {e.Words}'s fields. Another user's {e.Words} is not found; an admin may read it but not change it.</summary>"
            : $"/// <summary>Replaces the {e.Words}'s fields; only admins and the backend may (the database refuses anyone else).</summary>";
        var ensureOwner = owned ? $"\n            EnsureOwner(caller, {v}.UserId, id);" : string.Empty;
        var delete = owned
            ? $$"""
                /// <summary>Deletes the caller's {{e.Words}}; false when the caller has no such {{e.Words}} (another user's is not theirs to delete).</summary>
                public Task<bool> DeleteAsync(Caller caller, Guid id, CancellationToken cancellationToken = default)
                    => pipeline.RunAsync(caller, async (context, ct) =>
                        !caller.IsAnonymous && await context.Set<{{e.Name}}>().Where(x => x.Id == id).ExecuteDeleteAsync(ct) == 1, cancellationToken);
                """
            : $$"""
                /// <summary>Deletes the {{e.Words}}; false when there is no such {{e.Words}}. Only admins and the backend may (the database refuses anyone else).</summary>
                public Task<bool> DeleteAsync(Caller caller, Guid id, CancellationToken cancellationToken = default)
                    => pipeline.RunAsync(caller, async (context, ct) =>
                        await context.Set<{{e.Name}}>().Where(x => x.Id == id).ExecuteDeleteAsync(ct) == 1, cancellationToken);
                """;
        var helpers = owned
            ? $$"""

                private static void EnsureOwner(Caller caller, Guid owner, Guid id)
                {
                    // Admins read every user's rows but change only their own: without this the update would match no row.
                    if (caller.UserId is { } userId && userId != owner)
                    {
                        throw new RlsViolationException($"{{e.Name}} {id} belongs to another user; only its owner may change it. Nothing was saved.");
                    }
                }
                """
            : string.Empty;
        var body = $$"""
            {{Usings(e, validation: owned, errors: owned)}}
            namespace {{Namespace(e)}};

            {{summary}}
            public sealed class {{e.StoreName}}(RequestPipeline pipeline, TimeProvider clock, TypeAdapterConfig mapping)
            {
                {{createSummary}}
                public Task<{{e.DtoName}}> CreateAsync(Caller caller, {{e.CreateRequest}} request, CancellationToken cancellationToken = default)
                    => pipeline.RunAsync(caller, request, async (context, r, ct) =>
                    {
            {{Indent(create, 3)}}
                        context.Set<{{e.Name}}>().Add({{v}});
                        await context.SaveChangesAsync(ct);
                        return {{v}}.Adapt<{{e.DtoName}}>(mapping);
                    }, cancellationToken);

            {{Indent(GetMember(e, e.Words), 1)}}

            {{Indent(listSummary, 1)}}
            {{Indent(ListMember(e, string.Empty, page), 1)}}

                {{updateSummary}}
                public Task<{{e.DtoName}}> UpdateAsync(Caller caller, Guid id, {{e.UpdateRequest}} request, CancellationToken cancellationToken = default)
                    => pipeline.RunAsync(caller, request, async (context, r, ct) =>
                    {
                        var {{v}} = await context.Set<{{e.Name}}>().SingleOrDefaultAsync(x => x.Id == id, ct)
                            ?? throw new NotFoundException(nameof({{e.Name}}), id);{{ensureOwner}}
                        {{v}}.Change({{Arguments(e)}});
                        await context.SaveChangesAsync(ct);
                        return {{v}}.Adapt<{{e.DtoName}}>(mapping);
                    }, cancellationToken);

            {{Indent(delete, 1)}}{{Indent(helpers, 1)}}
            }
            """;
        return body.ReplaceLineEndings("\n").TrimEnd() + "\n";
    }

    private static string LedgerStore(EntitySpec e)
    {
        var v = Naming.Camel(e.Name);
        var body = $$"""
            {{Usings(e, validation: false, errors: false)}}
            namespace {{Namespace(e)}};

            /// <summary>
            /// Use cases of <see cref="{{e.Name}}"/>, a ledger, each acting for one caller through <see cref="RequestPipeline"/>: the
            /// backend (<see cref="Caller.Service"/>) appends records; a user reads their own, an admin every one, anon none;
            /// nobody changes or removes a record (the database refuses). Scaffolded by <c>domain scaffold entity</c>.
            /// </summary>
            public sealed class {{e.StoreName}}(RequestPipeline pipeline, TimeProvider clock, TypeAdapterConfig mapping)
            {
                /// <summary>Appends a record for <see cref="{{e.CreateRequest}}.UserId"/>; only the backend may (the database refuses anyone else).</summary>
                public Task<{{e.DtoName}}> AppendAsync(Caller caller, {{e.CreateRequest}} request, CancellationToken cancellationToken = default)
                    => pipeline.RunAsync(caller, request, async (context, r, ct) =>
                    {
                        var {{v}} = {{e.Name}}.Record(r.UserId, {{Arguments(e)}}, clock.GetUtcNow());
                        context.Set<{{e.Name}}>().Add({{v}});
                        await context.SaveChangesAsync(ct);
                        return {{v}}.Adapt<{{e.DtoName}}>(mapping);
                    }, cancellationToken);

            {{Indent(GetMember(e, "record"), 1)}}

                /// <summary>
                /// One page of the caller's records, newest first, by keyset: pass the last of a page as
                /// <see cref="{{e.ListRequest}}.After"/> for the next. The backend pages through every user's.
                /// </summary>
            {{Indent(ListMember(e, string.Empty, "caller.UserId, r.PageSize"), 1)}}
            }
            """;
        return body.ReplaceLineEndings("\n").TrimEnd() + "\n";
    }

    private static string ChildStore(EntitySpec e)
    {
        var root = e.Root!;
        var v = Naming.Camel(e.Name);
        var rv = Naming.Camel(root.Name);
        var rootId = Naming.Camel(e.RootKey!);
        var rootWords = Naming.Words(root.Name);
        var body = $$"""
            {{Usings(e, validation: false, errors: true)}}
            namespace {{Namespace(e)}};

            /// <summary>
            /// Use cases of <see cref="{{e.Name}}"/>, the {{Naming.Words(e.Collection)}} of a {{rootWords}}, each acting for one caller through
            /// <see cref="RequestPipeline"/>: a {{e.Words}} is added and removed through its {{rootWords}} (whose methods hold the rules), and
            /// RLS decides what the caller reaches (the owner their own; an admin reads every one; anon nothing).
            /// Scaffolded by <c>domain scaffold entity</c>.
            /// </summary>
            public sealed class {{e.StoreName}}(RequestPipeline pipeline, TimeProvider clock, TypeAdapterConfig mapping)
            {
                /// <summary>Adds a {{e.Words}} to the caller's {{rootWords}} <paramref name="{{rootId}}"/>.</summary>
                public Task<{{e.DtoName}}> AddAsync(Caller caller, Guid {{rootId}}, {{e.CreateRequest}} request, CancellationToken cancellationToken = default)
                    => pipeline.RunAsync(caller, request, async (context, r, ct) =>
                    {
                        var {{rv}} = await context.Set<{{root.Name}}>().SingleOrDefaultAsync(x => x.Id == {{rootId}}, ct)
                            ?? throw new NotFoundException(nameof({{root.Name}}), {{rootId}});
                        EnsureOwner(caller, {{rv}}.UserId, {{rootId}});
                        var {{v}} = {{rv}}.Add{{e.Name}}({{Arguments(e)}}, clock.GetUtcNow());
                        await context.SaveChangesAsync(ct);
                        return {{v}}.Adapt<{{e.DtoName}}>(mapping);
                    }, cancellationToken);

            {{Indent(GetMember(e, e.Words), 1)}}

                /// <summary>
                /// One page of the {{rootWords}}'s {{Naming.Words(e.Collection)}}, oldest first, by keyset: pass the last of a page as
                /// <see cref="{{e.ListRequest}}.After"/> for the next. Empty when the caller may not see the {{rootWords}}.
                /// </summary>
            {{Indent(ListMember(e, $"Guid {rootId}, ", $"{rootId}, r.PageSize"), 1)}}

                /// <summary>
                /// Removes the {{e.Words}} <paramref name="id"/> from the caller's {{rootWords}} <paramref name="{{rootId}}"/>; false when the caller
                /// sees no such {{e.Words}} there.
                /// </summary>
                public Task<bool> RemoveAsync(Caller caller, Guid {{rootId}}, Guid id, CancellationToken cancellationToken = default)
                    => pipeline.RunAsync(caller, async (context, ct) =>
                    {
                        var {{rv}} = await context.Set<{{root.Name}}>().Include(x => x.{{e.Collection}}.Where(c => c.Id == id))
                            .SingleOrDefaultAsync(x => x.Id == {{rootId}}, ct);
                        if ({{rv}} is null || !{{rv}}.{{e.Collection}}.Any(c => c.Id == id))
                        {
                            return false;
                        }

                        EnsureOwner(caller, {{rv}}.UserId, {{rootId}});
                        {{rv}}.Remove{{e.Name}}(id);
                        await context.SaveChangesAsync(ct);
                        return true;
                    }, cancellationToken);

                private static void EnsureOwner(Caller caller, Guid owner, Guid {{rootId}})
                {
                    // Admins read every user's rows but change only their own: without this the write would match no row.
                    if (caller.UserId is { } userId && userId != owner)
                    {
                        throw new RlsViolationException(
                            $"{{root.Name}} {{{rootId}}} belongs to another user; only its owner may change its {{Naming.Words(e.Collection)}}. Nothing was saved.");
                    }
                }
            }
            """;
        return body.ReplaceLineEndings("\n").TrimEnd() + "\n";
    }

    private static string GetMember(EntitySpec e, string noun) => $$"""
        /// <summary>
        /// The {{noun}}; null when it does not exist or the caller may not see it. Read on a read-only context (the read
        /// replica when one is configured).
        /// </summary>
        public Task<{{e.DtoName}}?> GetAsync(Caller caller, Guid id, CancellationToken cancellationToken = default)
            => pipeline.ReadAsync(caller, async (context, ct) =>
                (await context.Set<{{e.Name}}>().AsNoTracking().SingleOrDefaultAsync(x => x.Id == id, ct))?.Adapt<{{e.DtoName}}>(mapping), cancellationToken);
        """;

    /// <summary><c>ListAsync</c> over the entity's page query, given what comes before the request and the page's leading arguments.</summary>
    private static string ListMember(EntitySpec e, string parameters, string pageArguments) => $$"""
        public Task<IReadOnlyList<{{e.DtoName}}>> ListAsync(Caller caller, {{parameters}}{{e.ListRequest}} request, CancellationToken cancellationToken = default)
            => pipeline.ReadAsync(caller, request, async (context, r, ct) =>
            {
                var page = await context.{{e.Name}}PageAsync({{pageArguments}}, r.After is { } after ? (after.CreatedAt, after.Id) : null, ct);
                return (IReadOnlyList<{{e.DtoName}}>)page.Adapt<List<{{e.DtoName}}>>(mapping);
            }, cancellationToken);
        """;

    /// <summary>Indents every line of <paramref name="text"/> by <paramref name="levels"/> (the template places it at the left margin).</summary>
    private static string Indent(string text, int levels)
    {
        var pad = new string(' ', levels * 4);
        var lines = text.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        return string.Join("\n", lines.Select(l => l.Length == 0 ? l : pad + l));
    }
}
