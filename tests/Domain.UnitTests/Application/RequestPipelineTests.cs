using Domain.Application;
using Domain.Application.Common;
using Domain.Application.Sessions;
using Domain.Persistence;
using FluentValidation;
using Microsoft.Extensions.DependencyInjection;

namespace Domain.UnitTests.Application;

/// <summary>Every request passes through one pipeline, which validates it before any database work.</summary>
public sealed class RequestPipelineTests
{
    /// <summary>Parsed, never opened: these tests need no database.</summary>
    private const string ConnectionString = "Host=localhost;Database=domain_unit;Username=nobody;Password=unused";

    public static TheoryData<Type> RequestTypes => [.. typeof(RequestPipeline).Assembly.GetExportedTypes()
        .Where(t => t.Name.EndsWith("Request", StringComparison.Ordinal) && !t.IsAbstract)
        .OrderBy(t => t.FullName, StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(RequestTypes))]
    public void EveryRequestType_HasAValidatorRegistered(Type requestType)
    {
        using var provider = Build();

        Assert.NotEmpty(provider.GetServices(typeof(IValidator<>).MakeGenericType(requestType)));
    }

    [Fact]
    public async Task AnInvalidRequest_IsRefusedBeforeTheOperationRuns()
    {
        using var provider = Build();
        var pipeline = provider.GetRequiredService<RequestPipeline>();
        var ran = false;

        var ex = await Assert.ThrowsAsync<ValidationException>(() => pipeline.RunAsync(
            Caller.Anonymous, new ListSessionsRequest(PageSize: 0), (_, _, _) => { ran = true; return Task.FromResult(0); }, CancellationToken.None));

        Assert.False(ran);
        Assert.Contains(ex.Errors, e => e.PropertyName == nameof(ListSessionsRequest.PageSize));
    }

    [Fact]
    public async Task ARequestTypeWithoutAValidator_IsRefused()
    {
        using var provider = Build();
        var pipeline = provider.GetRequiredService<RequestPipeline>();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => pipeline.RunAsync(
            Caller.Anonymous, new UnvalidatedRequest(), (_, _, _) => Task.FromResult(0), CancellationToken.None));

        Assert.Contains(nameof(UnvalidatedRequest), ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(ListSessionsRequest.MaxPageSize, true)]
    [InlineData(ListSessionsRequest.MaxPageSize + 1, false)]
    public void ListSessions_ChecksThePageSize(int pageSize, bool valid)
    {
        Assert.Equal(valid, new ListSessionsRequestValidator().Validate(new ListSessionsRequest(pageSize)).IsValid);
    }

    private static ServiceProvider Build()
        => new ServiceCollection().AddDomainPersistence(ConnectionString).AddDomainApplication().BuildServiceProvider();

    private sealed record UnvalidatedRequest;
}
