using Domain.Persistence;
using FluentValidation;
using Microsoft.Extensions.DependencyInjection;

namespace Domain.Application.Common;

/// <summary>
/// What every store operation goes through, in one place: its request is validated by the request type's validators
/// (a request type without one is a programming error, refused), then the operation runs on a context acting for its
/// caller, disposed when the operation ends. Nothing reaches the database before validation passed. Reads
/// (<see cref="ReadAsync{TResult}"/>) get a read-only context, which reads from the read replica when one is configured,
/// with read-your-writes for the caller (<see cref="DomainDbContextFactory.ReadOnlyForAsync"/>).
/// </summary>
public sealed class RequestPipeline(DomainDbContextFactory contexts, IServiceProvider services)
{
    /// <summary>Validates <paramref name="request"/>, then runs <paramref name="operation"/> for <paramref name="caller"/>.</summary>
    /// <exception cref="ValidationException">The request is invalid; the errors name the fields. Nothing was sent.</exception>
    public async Task<TResult> RunAsync<TRequest, TResult>(
        Caller caller,
        TRequest request,
        Func<DomainDbContext, TRequest, CancellationToken, Task<TResult>> operation,
        CancellationToken cancellationToken)
        where TRequest : class
    {
        ArgumentNullException.ThrowIfNull(request);
        await ValidateAsync(request, cancellationToken);
        return await RunAsync(caller, (context, ct) => operation(context, request, ct), cancellationToken);
    }

    /// <summary>Runs <paramref name="operation"/> for <paramref name="caller"/>; for operations that take no request.</summary>
    public async Task<TResult> RunAsync<TResult>(
        Caller caller, Func<DomainDbContext, CancellationToken, Task<TResult>> operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var context = contexts.For(caller.Claims);
        return await operation(context, cancellationToken);
    }

    /// <summary>
    /// Validates <paramref name="request"/>, then runs the read <paramref name="operation"/> for <paramref name="caller"/>
    /// on a read-only context.
    /// </summary>
    /// <exception cref="ValidationException">The request is invalid; the errors name the fields. Nothing was sent.</exception>
    public async Task<TResult> ReadAsync<TRequest, TResult>(
        Caller caller,
        TRequest request,
        Func<DomainDbContext, TRequest, CancellationToken, Task<TResult>> operation,
        CancellationToken cancellationToken)
        where TRequest : class
    {
        ArgumentNullException.ThrowIfNull(request);
        await ValidateAsync(request, cancellationToken);
        return await ReadAsync(caller, (context, ct) => operation(context, request, ct), cancellationToken);
    }

    /// <summary>
    /// Runs the read <paramref name="operation"/> for <paramref name="caller"/> on a read-only context: PostgreSQL refuses
    /// any write it sends, and it reads from the read replica when one is configured (the primary when the standby has not
    /// replayed the caller's latest write in time).
    /// </summary>
    public async Task<TResult> ReadAsync<TResult>(
        Caller caller, Func<DomainDbContext, CancellationToken, Task<TResult>> operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var context = await contexts.ReadOnlyForAsync(caller.Claims, cancellationToken);
        return await operation(context, cancellationToken);
    }

    /// <summary>Runs every validator registered for <typeparamref name="TRequest"/>; throws when there is none or one fails.</summary>
    public async Task ValidateAsync<TRequest>(TRequest request, CancellationToken cancellationToken)
        where TRequest : class
    {
        var validators = services.GetServices<IValidator<TRequest>>().ToList();
        if (validators.Count == 0)
        {
            throw new InvalidOperationException(
                $"No validator is registered for {typeof(TRequest).Name}; every request type needs one (AddDomainApplication registers them).");
        }

        var failures = new List<FluentValidation.Results.ValidationFailure>();
        foreach (var validator in validators)
        {
            var result = await validator.ValidateAsync(request, cancellationToken);
            failures.AddRange(result.Errors);
        }

        if (failures.Count > 0)
        {
            throw new ValidationException(failures);
        }
    }
}
