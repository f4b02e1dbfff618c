using System.Reflection;
using Domain.Sessions;

namespace Domain.UnitTests;

public sealed class ArchitectureTests
{
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
}
