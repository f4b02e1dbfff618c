using Domain.Application.Common;

namespace Domain.AspNetCore.Callers;

/// <summary>
/// The caller of the current request, set once by <see cref="CallerMiddleware"/> (scoped: one per request). Endpoints
/// ask for <see cref="Application.Common.Caller"/> or a <c>DomainDbContext</c> instead; this is what those come from.
/// </summary>
public sealed class RequestCaller
{
    private Caller? _caller;

    /// <summary>The request's caller.</summary>
    /// <exception cref="InvalidOperationException">The caller middleware has not run for this request (see <c>UseDomainForSupabase</c>).</exception>
    public Caller Caller => _caller ?? throw new InvalidOperationException(
        "The request's caller is not known yet: call app.UseDomainForSupabase() before the endpoints, so that the caller "
        + "middleware runs after authentication.");

    /// <summary>Whether the caller is known for this request.</summary>
    public bool IsKnown => _caller is not null;

    internal void Set(Caller caller)
    {
        if (_caller is not null)
        {
            throw new InvalidOperationException("The request's caller is set once, by the caller middleware.");
        }

        _caller = caller;
    }
}
