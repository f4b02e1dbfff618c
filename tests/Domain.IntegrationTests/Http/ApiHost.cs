using Domain.Api;
using Domain.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Domain.IntegrationTests.Http;

/// <summary>
/// tools/Domain.Api started in-process the way <c>dotnet run</c> starts it (its Program, its configuration keys), over
/// the shared test database as the application's login role, trusting the keys a <see cref="LocalJwksServer"/> serves
/// and the legacy secret <see cref="Secret"/>.
/// </summary>
public sealed class ApiHost : WebApplicationFactory<DomainApi>
{
    public const string Secret = "test-legacy-jwt-secret-with-at-least-32-characters";

    private readonly Dictionary<string, string?> _settings;
    private readonly bool _fakeClock;
    private readonly Action<IServiceCollection>? _services;

    private ApiHost(Dictionary<string, string?> settings, bool fakeClock, Action<IServiceCollection>? services)
    {
        _settings = settings;
        _fakeClock = fakeClock;
        _services = services;
    }

    /// <summary>The clock the application runs on when the host was made with a fake one (the JWKS cache reads it).</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>
    /// Settings as an operator would give them: <c>ConnectionStrings:Domain</c>, <c>Supabase:Url</c>,
    /// <c>Supabase:JwtSecret</c>; <paramref name="adjust"/> changes or adds any, <paramref name="services"/> adds services
    /// after the application's own.
    /// </summary>
    public static ApiHost Create(
        MigratedDatabase database,
        LocalJwksServer jwks,
        Action<Dictionary<string, string?>>? adjust = null,
        bool fakeClock = false,
        Action<IServiceCollection>? services = null)
    {
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["ConnectionStrings:Domain"] = database.AppConnectionString,
            ["Supabase:Url"] = jwks.ProjectUrl,
            ["Supabase:JwtSecret"] = Secret,
            ["Domain:UsageRecorder:Linger"] = "00:00:00.010",
        };
        adjust?.Invoke(settings);
        return new ApiHost(settings, fakeClock, services);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.ClearProviders());
        if (_fakeClock)
        {
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
        }

        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }
}
