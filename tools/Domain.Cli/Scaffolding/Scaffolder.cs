using System.Diagnostics;
using System.Text.RegularExpressions;
using Domain.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Domain.Cli.Scaffolding;

/// <summary>What <c>domain scaffold entity</c> was asked for, as the command line gave it.</summary>
internal sealed record ScaffoldRequest(string Name, bool Root, string? In, IReadOnlyList<string> Fields, bool Shared, bool Ledger, bool DryRun);

/// <summary>
/// Scaffolds an entity end to end: checks the request against the built model and the working tree (refusing before
/// anything is written), writes the entity's files and the two registrations, creates its migration with
/// <c>dotnet ef migrations add</c> and adds the triggers and keys the model cannot express, then freezes the
/// migration's SQL and redraws docs/erd.md. A failure after the first write puts every file back as it was.
/// </summary>
internal sealed partial class Scaffolder(string repositoryRoot, TextWriter output)
{
    private const string ContextFile = "src/Domain.Persistence/DomainDbContext.cs";
    private const string RegistrationFile = "src/Domain.Application/ApplicationServiceCollectionExtensions.cs";
    private const string MigrationsFolder = "src/Domain.Persistence/Migrations";
    private const string SnapshotFile = MigrationsFolder + "/DomainDbContextModelSnapshot.cs";
    private const string ErdFile = "docs/erd.md";

    /// <summary>The files a scaffold writes (new) or changes (edited), in the order they are written.</summary>
    internal sealed record Plan(EntitySpec Entity, IReadOnlyList<(string Path, string Content)> NewFiles, IReadOnlyList<(string Path, Func<string, string> Edit)> Edits)
    {
        public string MigrationName => $"Add{Entity.Name}";

        /// <summary>Files other tools write for the scaffold: the migration's, the snapshot, the frozen SQL, the diagram.</summary>
        public IReadOnlyList<string> GeneratedElsewhere =>
        [
            $"{MigrationsFolder}/<timestamp>_{MigrationName}.cs",
            $"{MigrationsFolder}/<timestamp>_{MigrationName}.Designer.cs",
            SnapshotFile,
            $"{MigrationsFolder}/Frozen/<timestamp>_{MigrationName}.up.sql",
            $"{MigrationsFolder}/Frozen/<timestamp>_{MigrationName}.down.sql",
            ErdFile,
        ];
    }

    public async Task<int> RunAsync(ScaffoldRequest request, IModel model, CancellationToken cancellationToken)
    {
        var plan = Prepare(request, model);
        if (request.DryRun)
        {
            output.WriteLine($"dry run: scaffolding {plan.Entity.Name} ({Describe(plan.Entity)}) would write");
            foreach (var (path, _) in plan.NewFiles)
            {
                output.WriteLine($"  new     {path}");
            }

            foreach (var (path, _) in plan.Edits)
            {
                output.WriteLine($"  edit    {path}");
            }

            foreach (var path in plan.GeneratedElsewhere)
            {
                output.WriteLine($"  write   {path}");
            }

            output.WriteLine("nothing was written");
            return 0;
        }

        var undo = new Undo(repositoryRoot);
        try
        {
            Write(plan, undo);
            var migration = await AddMigrationAsync(plan, undo, cancellationToken);
            CompleteMigration(plan.Entity, migration);
            await FreezeAndDrawAsync(cancellationToken);
        }
        catch
        {
            undo.Run();
            output.WriteLine("scaffold failed: every file it wrote was removed or put back as it was");
            throw;
        }

        undo.Settle();
        foreach (var path in undo.Created.Concat(undo.Edited).Order(StringComparer.Ordinal))
        {
            output.WriteLine($"{(undo.Created.Contains(path) ? "wrote" : "edited"),-8}{path}");
        }

        output.WriteLine();
        output.WriteLine($"{plan.Entity.Name} is scaffolded ({Describe(plan.Entity)}). Next:");
        output.WriteLine($"  dotnet test tests/Domain.IntegrationTests --filter \"FullyQualifiedName~Scaffolded.{plan.Entity.Name}Tests\"");
        output.WriteLine("  review the migration and the frozen SQL, then commit them with the code");
        return 0;
    }

    /// <summary>Checks the request against the model and the working tree and lists what would be written; writes nothing.</summary>
    /// <exception cref="ScaffoldException">The request cannot be scaffolded; the message says why.</exception>
    internal Plan Prepare(ScaffoldRequest request, IModel model)
    {
        var entity = Resolve(request, model);
        var plan = PlanFiles(entity);
        var existing = plan.NewFiles.Select(f => f.Path).Where(path => File.Exists(Full(path))).ToList();
        if (existing.Count > 0)
        {
            throw new ScaffoldException($"{entity.Name} exists already: {string.Join(", ", existing)}. Choose another name, or remove those files.");
        }

        if (Directory.Exists(Full(MigrationsFolder))
            && Directory.EnumerateFiles(Full(MigrationsFolder), $"*_{plan.MigrationName}.cs").Any())
        {
            throw new ScaffoldException($"A migration named {plan.MigrationName} exists already; {entity.Name} was scaffolded before.");
        }

        RequireCleanFiles([.. plan.NewFiles.Select(f => f.Path), .. plan.Edits.Select(e => e.Path), SnapshotFile, ErdFile]);
        return plan;
    }

    private EntitySpec Resolve(ScaffoldRequest request, IModel model)
    {
        if (!Naming.IsTypeName(request.Name))
        {
            throw new ScaffoldException($"'{request.Name}' is not an entity name: PascalCase letters and digits, starting with an upper-case letter (for example Bookmark).");
        }

        if (request.Root == (request.In is not null))
        {
            throw new ScaffoldException("Say what the entity is: --root for a new aggregate, or --in <Aggregate> for a child inside an existing one (not both).");
        }

        if (request.Shared && request.Ledger)
        {
            throw new ScaffoldException("--shared and --ledger are different kinds of table; choose one.");
        }

        if (request.In is not null && (request.Shared || request.Ledger))
        {
            throw new ScaffoldException($"--{(request.Shared ? "shared" : "ledger")} describes a root; a child inside {request.In} is owned by the aggregate's user.");
        }

        if (request.Fields.Count == 0)
        {
            throw new ScaffoldException("Give the entity at least one --field name:type (for example --field title:string:200).");
        }

        var taken = new HashSet<string>(StringComparer.Ordinal) { request.Name };
        var root = request.In is { } aggregate ? RootDiscovery.Find(aggregate, model, repositoryRoot) : null;
        if (root is not null)
        {
            taken.Add($"{root.Name}Id");
        }

        var fields = new List<FieldSpec>();
        foreach (var spec in request.Fields)
        {
            var field = FieldSpec.Parse(spec, taken);
            if (fields.Any(f => f.Name == field.Name))
            {
                throw new ScaffoldException($"--field {field.Name} is given twice.");
            }

            fields.Add(field);
        }

        var shape = root is not null ? EntityShape.Child : request.Shared ? EntityShape.Shared : request.Ledger ? EntityShape.Ledger : EntityShape.Root;
        var entity = new EntitySpec(request.Name, shape, fields, root);
        RefuseExistingNames(entity, model);
        return entity;
    }

    private static void RefuseExistingNames(EntitySpec entity, IModel model)
    {
        var clash = model.GetEntityTypes().FirstOrDefault(t => t.ClrType.Name == entity.Name || t.GetTableName() == entity.Table || t.GetViewName() == entity.Table);
        if (clash is not null)
        {
            throw new ScaffoldException(
                $"{entity.Name} exists already: the model maps {clash.ClrType.Name} to {clash.GetTableName() ?? clash.GetViewName()}. Choose another name.");
        }

        var type = typeof(Domain.Common.IAggregateRoot).Assembly.GetTypes().FirstOrDefault(t => t.Name == entity.Name);
        if (type is not null)
        {
            throw new ScaffoldException($"{entity.Name} exists already: {type.FullName}. Choose another name.");
        }

        if (typeof(DomainDbContext).GetProperty(entity.Plural) is not null)
        {
            throw new ScaffoldException($"DomainDbContext already has a member {entity.Plural}. Choose another name.");
        }

        if (entity.Root is { } root)
        {
            var rootType = RootDiscovery.Roots().Single(t => t.Name == root.Name);
            var members = new[] { entity.Collection, entity.Counter, $"Add{entity.Name}", $"Remove{entity.Name}" };
            var present = members.Where(m => rootType.GetMember(m).Length > 0).ToList();
            if (present.Count > 0)
            {
                throw new ScaffoldException($"{root.Name} already has {string.Join(", ", present)}; a {entity.Name} child would need those names.");
            }
        }
    }

    private Plan PlanFiles(EntitySpec e)
    {
        var domain = $"src/Domain/{e.Area}";
        var configurations = $"src/Domain.Persistence/EntityConfigurations/{e.Area}";
        var application = $"src/Domain.Application/{e.Area}";
        var files = new List<(string, string)>
        {
            ($"{domain}/{e.Name}.cs", e.IsChild ? DomainTemplates.Child(e) : DomainTemplates.Root(e)),
        };
        if (e.HasLimits)
        {
            files.Add(($"{domain}/{e.LimitsClass}.cs", DomainTemplates.Limits(e)));
        }

        if (e.Root is { } root)
        {
            files.Add(($"{domain}/{root.Name}.{e.Collection}.cs", DomainTemplates.RootPart(e)));
        }

        files.Add(($"{configurations}/{e.Name}Configuration.cs", PersistenceTemplates.Configuration(e)));
        if (e.Root is { } parent)
        {
            files.Add(($"{configurations}/{parent.Name}{e.Collection}Configuration.cs", PersistenceTemplates.RootPartConfiguration(e)));
        }

        files.Add(($"src/Domain.Persistence/{e.Area}/{e.Name}Queries.cs", PersistenceTemplates.Queries(e)));
        files.Add(($"{application}/{e.Name}Contracts.cs", ApplicationTemplates.Contracts(e)));
        files.Add(($"{application}/{e.Name}Validators.cs", ApplicationTemplates.Validators(e)));
        files.Add(($"{application}/{e.Name}Mapping.cs", ApplicationTemplates.Mapping(e)));
        files.Add(($"{application}/{e.StoreName}.cs", ApplicationTemplates.Store(e)));
        files.Add(($"{TestTemplates.Folder}/{e.Name}Tests.cs", TestTemplates.Tests(e)));

        var edits = new List<(string, Func<string, string>)>
        {
            (ContextFile, text => AddEntitySet(text, e)),
            (RegistrationFile, text => AddStoreRegistration(text, e)),
        };
        if (e.Root is { IsPartial: false } nonPartial)
        {
            edits.Add((nonPartial.SourcePath, text => RootDiscovery.MakePartial(text, nonPartial.Name)));
        }

        return new Plan(e, files, edits);
    }

    private static string AddEntitySet(string text, EntitySpec e)
    {
        var sets = EntitySetRegex().Matches(text).Where(m => !m.Groups["type"].Value.EndsWith("Row", StringComparison.Ordinal)).ToList();
        if (sets.Count == 0)
        {
            throw new ScaffoldException($"{ContextFile} has no entity set (public DbSet<T> Name => Set<T>();) to add {e.Plural} after.");
        }

        var last = sets[^1];
        var summary = e.Shape switch
        {
            EntityShape.Shared => $"/// <summary><c>{e.Table}</c>: every signed-in caller reads, admins write.</summary>",
            EntityShape.Ledger => $"/// <summary><c>{e.Table}</c>: a ledger the backend appends to.</summary>",
            _ => null,
        };
        var insertion = $"\n\n{(summary is null ? string.Empty : "    " + summary + "\n")}    public DbSet<{e.Name}> {e.Plural} => Set<{e.Name}>();";
        return AddUsing(text.Insert(last.Index + last.Length, insertion), e.DomainNamespace, "using Domain.");
    }

    private static string AddStoreRegistration(string text, EntitySpec e)
    {
        var stores = StoreRegistrationRegex().Matches(text).ToList();
        if (stores.Count == 0)
        {
            throw new ScaffoldException($"{RegistrationFile} registers no store (services.AddSingleton<...Store>();) to add {e.StoreName} after.");
        }

        var last = stores[^1];
        var indent = last.Groups["indent"].Value;
        var withStore = text.Insert(last.Index + last.Length, $"\n{indent}services.AddSingleton<{e.StoreName}>();");
        return AddUsing(withStore, ApplicationTemplates.Namespace(e), "using Domain.Application.");
    }

    /// <summary>Adds <c>using <paramref name="ns"/>;</c> after the last using that starts with <paramref name="after"/>, unless it is there.</summary>
    private static string AddUsing(string text, string ns, string after)
    {
        var line = $"using {ns};";
        if (text.Contains(line + "\n", StringComparison.Ordinal) || text.Contains(line + "\r\n", StringComparison.Ordinal))
        {
            return text;
        }

        var anchor = text.LastIndexOf("\n" + after, StringComparison.Ordinal);
        var lineStart = anchor < 0 ? (text.StartsWith(after, StringComparison.Ordinal) ? 0 : -1) : anchor + 1;
        if (lineStart < 0)
        {
            return line + "\n" + text;
        }

        var lineEnd = text.IndexOf('\n', lineStart);
        return text.Insert(lineEnd + 1, line + "\n");
    }

    private static void Write(Plan plan, Undo undo)
    {
        foreach (var (path, content) in plan.NewFiles)
        {
            undo.Create(path, content);
        }

        foreach (var (path, edit) in plan.Edits)
        {
            undo.Edit(path, edit);
        }
    }

    private async Task<string> AddMigrationAsync(Plan plan, Undo undo, CancellationToken cancellationToken)
    {
        undo.Watch(SnapshotFile);
        undo.Watch(ErdFile);
        undo.WatchNewFiles(MigrationsFolder, $"*_{plan.MigrationName}*.cs");
        undo.WatchNewFiles($"{MigrationsFolder}/Frozen", $"*_{plan.MigrationName}.*.sql");
        output.WriteLine($"running   dotnet ef migrations add {plan.MigrationName} (builds the model; this takes a minute)");
        await RunAsync(
            "dotnet",
            ["tool", "run", "dotnet-ef", "migrations", "add", plan.MigrationName, "--project", "src/Domain.Persistence", "--output-dir", "Migrations"],
            "dotnet ef migrations add",
            cancellationToken);
        var migration = Directory.EnumerateFiles(Full(MigrationsFolder), $"*_{plan.MigrationName}.cs").SingleOrDefault()
            ?? throw new ScaffoldException($"dotnet ef migrations add {plan.MigrationName} wrote no migration file.");
        return migration;
    }

    /// <summary>Adds what EF cannot express to the migration: the owner's key to auth.users, the updated_at trigger, the counter.</summary>
    private static void CompleteMigration(EntitySpec e, string migrationPath)
    {
        List<string> up;
        List<string> down;
        switch (e.Shape)
        {
            case EntityShape.Root:
                up = [$"migrationBuilder.AddUserForeignKey(\"{e.Table}\");", $"migrationBuilder.CreateUpdatedAtTrigger(\"{e.Table}\");"];
                down = [$"migrationBuilder.DropUpdatedAtTrigger(\"{e.Table}\");", $"migrationBuilder.DropUserForeignKey(\"{e.Table}\");"];
                break;
            case EntityShape.Shared:
                up = [$"migrationBuilder.CreateUpdatedAtTrigger(\"{e.Table}\");"];
                down = [$"migrationBuilder.DropUpdatedAtTrigger(\"{e.Table}\");"];
                break;
            case EntityShape.Child:
                var root = e.Root!;
                up = [$"migrationBuilder.CreateChildCounterTrigger(\"{e.Table}\", \"{Naming.Snake(e.RootKey!)}\", \"{root.Table}\", \"{Naming.Snake(e.Counter)}\");"];
                down = [$"migrationBuilder.DropChildCounterTrigger(\"{e.Table}\");"];
                break;
            default:
                return;
        }

        var text = File.ReadAllText(migrationPath).ReplaceLineEndings("\n");
        text = AddUsing(text, "Domain.Persistence.Migrations.Sql", "using ");
        text = InsertInMethod(text, "Up", up, atEnd: true);
        text = InsertInMethod(text, "Down", down, atEnd: false);
        File.WriteAllText(migrationPath, text);
    }

    private static string InsertInMethod(string text, string method, IReadOnlyList<string> lines, bool atEnd)
    {
        var signature = $"protected override void {method}(MigrationBuilder migrationBuilder)\n        {{\n";
        var start = text.IndexOf(signature, StringComparison.Ordinal);
        if (start < 0)
        {
            throw new ScaffoldException($"The migration has no {method} method as dotnet ef writes it; add these lines by hand: {string.Join(" ", lines)}");
        }

        var bodyStart = start + signature.Length;
        var block = string.Concat(lines.Select(l => $"            {l}\n"));
        if (!atEnd)
        {
            return text.Insert(bodyStart, block + "\n");
        }

        var bodyEnd = text.IndexOf("\n        }\n", bodyStart - 1, StringComparison.Ordinal) + 1;
        return text.Insert(bodyEnd, "\n" + block);
    }

    /// <summary>
    /// Writes the new migration's frozen SQL and redraws docs/erd.md with a CLI built from the scaffolded sources into a
    /// folder of its own (this CLI's build predates the entity, and its own files are in use while it runs).
    /// </summary>
    private async Task FreezeAndDrawAsync(CancellationToken cancellationToken)
    {
        var build = Path.Combine(Path.GetTempPath(), $"domain-scaffold-{Guid.NewGuid():N}");
        try
        {
            output.WriteLine("running   dotnet build of the CLI with the new entity, to freeze its migration's SQL and redraw the diagram");
            await RunAsync("dotnet", ["build", "tools/Domain.Cli/Domain.Cli.csproj", "-o", build, "-nologo", "-v", "q"], "dotnet build", cancellationToken);
            var cli = Path.Combine(build, "Domain.Cli.dll");
            await RunAsync("dotnet", [cli, "freeze"], "domain freeze", cancellationToken);
            await RunAsync("dotnet", [cli, "erd"], "domain erd", cancellationToken);
        }
        finally
        {
            if (Directory.Exists(build))
            {
                Directory.Delete(build, recursive: true);
            }
        }
    }

    private void RequireCleanFiles(IReadOnlyList<string> paths)
    {
        string status;
        try
        {
            status = Capture("git", ["status", "--porcelain", "--untracked-files=all", "--", .. paths]);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            throw new ScaffoldException(
                $"Cannot tell whether the files the scaffold writes have uncommitted changes ({ex.Message}); run it in the repository's git work tree.");
        }

        var dirty = status.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Length > 3 ? l[3..].Trim() : l.Trim()).ToList();
        if (dirty.Count > 0)
        {
            throw new ScaffoldException(
                $"These files the scaffold would write have uncommitted changes: {string.Join(", ", dirty)}. Commit or stash them first; nothing was written.");
        }
    }

    private string Capture(string fileName, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(fileName, arguments) { WorkingDirectory = repositoryRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start");
        var stdout = process.StandardOutput.ReadToEnd();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? stdout : throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments.Take(2))}: {stderr.Trim()}");
    }

    private async Task RunAsync(string fileName, IReadOnlyList<string> arguments, string what, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName, arguments) { WorkingDirectory = repositoryRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new ScaffoldException($"{what} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var text = (await stdout) + (await stderr);
        if (process.ExitCode != 0)
        {
            var tail = string.Join("\n", text.Split('\n').Where(l => l.Trim().Length > 0).TakeLast(30));
            throw new ScaffoldException($"{what} failed (exit {process.ExitCode}):\n{tail}");
        }
    }

    private string Full(string relative) => Path.Combine(repositoryRoot, relative);

    private static string Describe(EntitySpec e) => e.Shape switch
    {
        EntityShape.Root => "a root owned by a user",
        EntityShape.Shared => "a root of shared reference data",
        EntityShape.Ledger => "a ledger",
        _ => $"a child of {e.Root!.Name}",
    };

    [GeneratedRegex(@"public DbSet<(?<type>\w+)> \w+ => Set<\w+>\(\);")]
    private static partial Regex EntitySetRegex();

    [GeneratedRegex(@"(?<indent>[ \t]*)services\.AddSingleton<\w+Store>\(\);")]
    private static partial Regex StoreRegistrationRegex();
}
