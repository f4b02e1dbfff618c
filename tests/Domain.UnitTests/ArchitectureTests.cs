using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using Domain.Application.Sessions;
using Domain.Persistence;
using Domain.Sessions;

namespace Domain.UnitTests;

public sealed class ArchitectureTests
{
    /// <summary>The development-only project (local PostgreSQL launcher, provisioning, demo data): nothing that ships may use it.</summary>
    private const string DevelopmentProject = "Domain.DevDatabase";

    [Theory]
    [InlineData("Microsoft.EntityFrameworkCore")]
    [InlineData("Npgsql")]
    [InlineData("Mapster")]
    [InlineData("FluentValidation")]
    public void DomainModel_DoesNotReferenceInfrastructure(string forbidden)
    {
        var references = typeof(Session).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? string.Empty);

        Assert.DoesNotContain(references, name => name.StartsWith(forbidden, StringComparison.Ordinal));
    }

    [Fact]
    public void DomainModel_HasNoPublicSetters()
    {
        var publicSetters = typeof(Session).Assembly.GetTypes()
            .Where(t => t.IsClass && !typeof(Exception).IsAssignableFrom(t))
            .Where(t => t.Namespace?.StartsWith("Domain.", StringComparison.Ordinal) == true)
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(p => p.SetMethod?.IsPublic == true)
            .Select(p => $"{p.DeclaringType!.Name}.{p.Name}")
            .ToList();

        Assert.Empty(publicSetters);
    }

    [Fact]
    public void SourceProjects_DoNotReferenceTheDevelopmentProject()
    {
        var projects = SourceProjectFiles();
        var references = projects
            .SelectMany(project => XDocument.Load(project).Descendants("ProjectReference")
                .Select(reference => (string?)reference.Attribute("Include") ?? string.Empty)
                .Where(include => Path.GetFileNameWithoutExtension(include.Replace('\\', '/')) == DevelopmentProject)
                .Select(include => $"{Path.GetFileName(project)} references {include}"))
            .ToList();

        Assert.Contains(projects, p => Path.GetFileName(p) == "Domain.Persistence.csproj");
        Assert.Empty(references);
    }

    [Fact]
    public void SourceAssemblies_DoNotReferenceTheDevelopmentAssembly()
    {
        // Every project under src/ whose assembly is built next to these tests; the three below always are.
        var assemblies = SourceProjectFiles()
            .Select(project => Path.Combine(AppContext.BaseDirectory, Path.GetFileNameWithoutExtension(project) + ".dll"))
            .Where(File.Exists)
            .ToList();
        Assert.Superset(
            new HashSet<string> { "Domain.dll", "Domain.Persistence.dll", "Domain.Application.dll" },
            assemblies.Select(Path.GetFileName).ToHashSet()!);

        var references = assemblies
            .SelectMany(assembly => AssemblyReferences(assembly)
                .Where(name => name == DevelopmentProject)
                .Select(name => $"{Path.GetFileName(assembly)} references {name}"))
            .ToList();

        Assert.Empty(references);
    }

    [Fact]
    public void Application_UsesNoNpgsqlTypeDirectly()
    {
        var npgsqlTypes = TypeReferences(typeof(SessionStore).Assembly.Location)
            .Where(t => t.Assembly.StartsWith("Npgsql", StringComparison.Ordinal) || t.FullName.StartsWith("Npgsql", StringComparison.Ordinal))
            .Select(t => $"{t.FullName} ({t.Assembly})")
            .ToList();

        Assert.Empty(npgsqlTypes);
    }

    [Fact]
    public void Persistence_LaunchesNoProcess()
    {
        var processTypes = TypeReferences(typeof(DomainDbContext).Assembly.Location)
            .Where(t => t.FullName.StartsWith("System.Diagnostics.Process", StringComparison.Ordinal))
            .Select(t => t.FullName)
            .ToList();

        Assert.Empty(processTypes);
    }

    private static List<string> SourceProjectFiles()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Domain.sln")))
            {
                return [.. Directory.GetFiles(Path.Combine(directory.FullName, "src"), "*.csproj", SearchOption.AllDirectories).Order()];
            }
        }

        throw new DirectoryNotFoundException("Domain.sln was not found above the test directory.");
    }

    private static List<string> AssemblyReferences(string path)
    {
        using var pe = new PEReader(File.OpenRead(path));
        var reader = pe.GetMetadataReader();
        return [.. reader.AssemblyReferences.Select(handle => reader.GetString(reader.GetAssemblyReference(handle).Name))];
    }

    /// <summary>Every type the compiled assembly refers to, with the assembly it is referred to in.</summary>
    private static List<(string FullName, string Assembly)> TypeReferences(string path)
    {
        using var pe = new PEReader(File.OpenRead(path));
        var reader = pe.GetMetadataReader();
        return [.. reader.TypeReferences.Select(handle => Describe(reader, handle))];
    }

    private static (string FullName, string Assembly) Describe(MetadataReader reader, TypeReferenceHandle handle)
    {
        var type = reader.GetTypeReference(handle);
        var name = reader.GetString(type.Name);
        switch (type.ResolutionScope.Kind)
        {
            case HandleKind.TypeReference:
                var outer = Describe(reader, (TypeReferenceHandle)type.ResolutionScope);
                return ($"{outer.FullName}+{name}", outer.Assembly);
            case HandleKind.AssemblyReference:
                var assembly = reader.GetString(reader.GetAssemblyReference((AssemblyReferenceHandle)type.ResolutionScope).Name);
                return (Qualified(reader.GetString(type.Namespace), name), assembly);
            default:
                return (Qualified(reader.GetString(type.Namespace), name), string.Empty);
        }
    }

    private static string Qualified(string ns, string name) => ns.Length == 0 ? name : $"{ns}.{name}";
}
