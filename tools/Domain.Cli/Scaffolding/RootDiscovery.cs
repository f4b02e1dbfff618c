using System.Reflection;
using System.Text.RegularExpressions;
using Domain.Common;
using Domain.Persistence.RowLevelSecurity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Domain.Cli.Scaffolding;

/// <summary>
/// Finds what the generator needs to know about the built model: the aggregate roots a child can join (from the Domain
/// assembly and the EF model this CLI was built with), their tables, source files and a factory the tests can call.
/// </summary>
internal static partial class RootDiscovery
{
    /// <summary>Every aggregate root of the domain assembly.</summary>
    public static IReadOnlyList<Type> Roots() =>
        [.. typeof(IAggregateRoot).Assembly.GetTypes().Where(t => t.IsClass && !t.IsAbstract && typeof(IAggregateRoot).IsAssignableFrom(t))
            .OrderBy(t => t.Name, StringComparer.Ordinal)];

    /// <summary>The aggregate <paramref name="name"/> a child joins.</summary>
    /// <exception cref="ScaffoldException">It does not exist, is not owned by a user, or cannot be found in the sources.</exception>
    public static RootInfo Find(string name, IModel model, string repositoryRoot)
    {
        var roots = Roots();
        var type = roots.SingleOrDefault(t => t.Name == name)
            ?? throw new ScaffoldException(
                $"--in {name}: there is no aggregate {name}. The aggregates are: {string.Join(", ", roots.Select(t => t.Name))}.");
        var entity = model.FindEntityType(type)
            ?? throw new ScaffoldException($"--in {name}: {name} is not mapped in DomainDbContext, so nothing can hang under it.");
        if (entity.GetRowLevelSecurity() is not { Shape: RowLevelSecurityShape.OwnedRows } || type.GetProperty("UserId")?.PropertyType != typeof(Guid))
        {
            throw new ScaffoldException(
                $"--in {name}: {name} is not owned by a user (its rows are shared or a ledger); a child's key carries its owner, so it needs an owned root.");
        }

        var source = Directory.EnumerateFiles(Path.Combine(repositoryRoot, "src", "Domain"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(path => (path, text: File.ReadAllText(path)))
            .FirstOrDefault(file => Declaration(name).IsMatch(file.text));
        if (source.path is null)
        {
            throw new ScaffoldException($"--in {name}: no file under src/Domain declares class {name} : IAggregateRoot.");
        }

        var (factory, takesId) = FactoryCall(type, entity);
        var match = Declaration(name).Match(source.text);
        return new RootInfo(
            name,
            type.Namespace!,
            entity.GetTableName()!,
            Path.GetRelativePath(repositoryRoot, source.path).Replace('\\', '/'),
            match.Groups["partial"].Success,
            factory,
            takesId);
    }

    /// <summary>Adds <c>partial</c> to the root's declaration, so a child's part can live in a file of its own.</summary>
    public static string MakePartial(string source, string name)
        => Declaration(name).Replace(source, m => m.Groups["partial"].Success ? m.Value : m.Value.Replace("class ", "partial class ", StringComparison.Ordinal), 1);

    private static Regex Declaration(string name)
        => new($@"\b(?<partial>partial\s+)?class\s+{Regex.Escape(name)}\b[^{{;]*\bIAggregateRoot\b", RegexOptions.CultureInvariant);

    /// <summary>
    /// A call of the root's public static factory that the tests can make with an owner and a time, as a template with
    /// <c>{owner}</c>, <c>{now}</c> and <c>{id}</c>: of the factories whose required parameters have values the generator
    /// can supply, the one with the fewest.
    /// </summary>
    private static (string Call, bool TakesId) FactoryCall(Type type, IReadOnlyEntityType entity)
    {
        var nullability = new NullabilityInfoContext();
        var candidates = type.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.ReturnType == type)
            .Select(m => (Method: m, Arguments: Arguments(m, entity, nullability)))
            .Where(c => c.Arguments is not null)
            .OrderBy(c => c.Method.GetParameters().Count(p => !p.IsOptional))
            .ToList();
        if (candidates.Count == 0)
        {
            throw new ScaffoldException(
                $"--in {type.Name}: the generated tests create a {type.Name}, but it has no public static factory whose required parameters are an owner "
                + "(Guid userId), a time (DateTimeOffset) and values of simple types (text, numbers, bool). Add one, or scaffold the child by hand.");
        }

        var (method, arguments) = candidates[0];
        var takesId = method.GetParameters().Any(p => p.IsOptional && p.Name == "id" && p.ParameterType == typeof(Guid?));
        var call = $"{type.Name}.{method.Name}({string.Join(", ", arguments!)}{(takesId ? ", id: {id}" : string.Empty)})";
        return (call, takesId);
    }

    private static List<string>? Arguments(MethodInfo method, IReadOnlyEntityType entity, NullabilityInfoContext nullability)
    {
        var arguments = new List<string>();
        var ownerGiven = false;
        foreach (var parameter in method.GetParameters().Where(p => !p.IsOptional))
        {
            var type = parameter.ParameterType;
            string? value;
            if (type == typeof(Guid) && !ownerGiven)
            {
                ownerGiven = true;
                value = "{owner}";
            }
            else if (type == typeof(DateTimeOffset))
            {
                value = "{now}";
            }
            else if (Nullable.GetUnderlyingType(type) is not null
                || (!type.IsValueType && nullability.Create(parameter).WriteState == NullabilityState.Nullable))
            {
                value = "null";
            }
            else if (type == typeof(string))
            {
                var column = entity.GetProperties().FirstOrDefault(p => string.Equals(p.Name, parameter.Name, StringComparison.OrdinalIgnoreCase));
                value = column?.GetColumnType() == "jsonb" ? "\"{}\"" : "\"sample\"";
            }
            else
            {
                value = type == typeof(int) ? "1"
                    : type == typeof(long) ? "1L"
                    : type == typeof(decimal) ? "1m"
                    : type == typeof(double) ? "1d"
                    : type == typeof(bool) ? "true"
                    : type == typeof(DateOnly) ? "new DateOnly(2026, 1, 2)"
                    : null;
            }

            if (value is null)
            {
                return null;
            }

            arguments.Add(value);
        }

        return ownerGiven ? arguments : null;
    }
}
