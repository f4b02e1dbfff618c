using Domain.Application;
using Domain.Application.Common;
using Domain.AspNetCore.Authentication;
using Domain.AspNetCore.Callers;
using Domain.AspNetCore.Health;
using Domain.AspNetCore.Problems;
using Domain.AspNetCore.Telemetry;
using Domain.Persistence;
using Domain.Persistence.Rls;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Domain.AspNetCore;

/// <summary>Wires the data layer into an ASP.NET Core application that Supabase Auth signs users into.</summary>
public static class DomainWebApplicationBuilderExtensions
{
    /// <summary>
    /// Registers everything an endpoint needs to act for the signed-in user:
    /// <list type="bullet">
    /// <item>the data layer and the application layer (<c>AddDomainPersistence</c>, <c>AddDomainApplication</c>) over
    /// <c>ConnectionStrings:Domain</c>;</item>
    /// <item>authentication of Supabase access tokens (<see cref="SupabaseAuthOptions"/>, section <c>Supabase</c>), with
    /// room for more schemes (<see cref="DomainWebBuilder.AddCallerScheme{TOptions, THandler}"/>), and authorization
    /// whose default policy is <see cref="DomainAuthorization.IdentifiedCallerPolicy"/> (not anonymous);</item>
    /// <item>per request, the <see cref="Caller"/> (decided once, after authentication; anonymous without credentials,
    /// never the service role) and a <see cref="DomainDbContext"/> acting for it, both scoped; the stores
    /// (<c>SessionStore</c>, ...) take that caller;</item>
    /// <item>problem details for the layer's exceptions (<see cref="DomainProblems"/>);</item>
    /// <item>health checks <c>database</c> (reachable, migrations applied) and <c>usage-recorder</c>;</item>
    /// <item>OpenTelemetry tracing and metrics for Npgsql and the layer (<see cref="DomainWebTelemetry"/>); exporters
    /// are the application's to add.</item>
    /// </list>
    /// Call <c>app.UseDomainForSupabase()</c> before the endpoints and <c>app.MapDomainHealthChecks()</c>.
    /// </summary>
    /// <param name="builder">The application's builder; its configuration provides the settings.</param>
    /// <param name="configureSupabase">Adjusts the Supabase settings after they are bound from configuration.</param>
    /// <exception cref="InvalidOperationException">The connection string is missing, a placeholder or unusable; the
    /// message names <c>ConnectionStrings:Domain</c>. Invalid Supabase settings fail when the host starts
    /// (<see cref="OptionsValidationException"/>, naming each setting).</exception>
    public static DomainWebBuilder AddDomainForSupabase(this IHostApplicationBuilder builder, Action<SupabaseAuthOptions>? configureSupabase = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var configuration = builder.Configuration;

        var connectionString = configuration.GetConnectionString(DomainWebOptions.ConnectionStringName);
        try
        {
            ConnectionStrings.EnsureUsable(connectionString);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{DomainWebOptions.ConnectionStringName} (environment variable ConnectionStrings__{DomainWebOptions.ConnectionStringName}): {ex.Message}", ex);
        }

        services.AddDomainPersistence(connectionString);
        services.AddDomainApplication(configuration);

        var supabase = services.AddOptions<SupabaseAuthOptions>().Bind(configuration.GetSection(SupabaseAuthOptions.SectionName)).ValidateOnStart();
        if (configureSupabase is not null)
        {
            supabase.Configure(configureSupabase);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SupabaseAuthOptions>, SupabaseAuthOptionsValidator>());
        services.AddOptions<DomainWebOptions>()
            .Bind(configuration.GetSection(DomainWebOptions.SectionName))
            .Validate(o => o.RetryAfter > TimeSpan.Zero, $"{DomainWebOptions.SectionName}:RetryAfter must be more than zero.")
            .ValidateOnStart();

        services.AddHttpClient(SupabaseSigningKeys.HttpClientName);
        services.AddSingleton<SupabaseSigningKeys>();
        services.AddSingleton<IConfigureOptions<JwtBearerOptions>, SupabaseJwtBearerSetup>();
        var authentication = services
            .AddAuthentication(DomainAuthentication.Scheme)
            .AddPolicyScheme(DomainAuthentication.Scheme, "Domain callers", options => options.ForwardDefaultSelector =
                context => context.RequestServices.GetRequiredService<IOptions<CallerSchemeOptions>>().Value.Select(context))
            .AddJwtBearer(DomainAuthentication.SupabaseScheme);
        services.AddAuthorization(options =>
        {
            var identified = new AuthorizationPolicyBuilder()
                .RequireAuthenticatedUser()
                .RequireAssertion(context => !context.User.HasClaim("role", RlsClaims.AnonRole))
                .Build();
            options.AddPolicy(DomainAuthorization.IdentifiedCallerPolicy, identified);
            options.DefaultPolicy = identified;
        });

        services.AddProblemDetails();
        services.AddExceptionHandler<DomainExceptionHandler>();

        services.AddScoped<RequestCaller>();
        services.AddScoped(provider => provider.GetRequiredService<RequestCaller>().Caller);
        services.AddScoped(provider => provider.GetRequiredService<DomainDbContextFactory>().For(provider.GetRequiredService<Caller>()));

        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"])
            .AddCheck<UsageRecorderHealthCheck>("usage-recorder", tags: ["ready"]);

        services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource([.. DomainWebTelemetry.ActivitySourceNames]).AddNpgsql())
            .WithMetrics(metrics => metrics.AddMeter([.. DomainWebTelemetry.MeterNames]).AddNpgsqlInstrumentation());

        return new DomainWebBuilder(services, authentication);
    }
}
