using Domain.Persistence;

namespace Domain.Application.Common;

/// <summary>Contexts for the application's <see cref="Caller"/>, for code that works with a context directly.</summary>
public static class DomainDbContextFactoryExtensions
{
    /// <summary>
    /// A context acting for <paramref name="caller"/>, with the same claims the stores send for it. Dispose it when the
    /// unit of work ends (a request's container does that for a scoped one).
    /// </summary>
    public static DomainDbContext For(this DomainDbContextFactory contexts, Caller caller)
    {
        ArgumentNullException.ThrowIfNull(contexts);
        ArgumentNullException.ThrowIfNull(caller);
        return contexts.For(caller.Claims);
    }
}
