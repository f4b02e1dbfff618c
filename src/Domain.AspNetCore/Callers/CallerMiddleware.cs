using Domain.Application.Common;
using Domain.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace Domain.AspNetCore.Callers;

/// <summary>
/// Decides the request's <see cref="Caller"/> once, after authentication: the caller the verified credentials carry
/// (<see cref="CallerIdentity"/>), or <see cref="Caller.Anonymous"/> when the request presents none. Credentials that
/// were presented and refused (expired, unknown key, a forbidden role) end the request with 401 on every endpoint,
/// open ones too: they never fall back to anonymous.
/// </summary>
internal sealed class CallerMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, RequestCaller requestCaller)
    {
        var result = await context.AuthenticateAsync(DomainAuthentication.Scheme);
        if (result.Failure is not null)
        {
            await context.ChallengeAsync(DomainAuthentication.Scheme);
            return;
        }

        Caller caller;
        if (result.Succeeded)
        {
            caller = CallerIdentity.CallerOf(result.Principal) ?? throw new InvalidOperationException(
                $"The scheme {result.Ticket.AuthenticationScheme} authenticated the request without a {nameof(CallerIdentity)}; "
                + "schemes that plug into AddDomainForSupabase must put one in the principal.");
        }
        else
        {
            caller = Caller.Anonymous;
        }

        requestCaller.Set(caller);
        await next(context);
    }
}
