using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Domain.AspNetCore.Problems;

/// <summary>Writes the problem details <see cref="DomainProblems"/> maps; 503 responses carry <c>Retry-After</c>.</summary>
internal sealed class DomainExceptionHandler(IProblemDetailsService problems, IOptions<DomainWebOptions> options) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (DomainProblems.For(exception) is not { } problem)
        {
            return false;
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(options.Value.RetryAfter.TotalSeconds));
            httpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }
}
