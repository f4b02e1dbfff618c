using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Domain.IntegrationTests.Http;

/// <summary>
/// A stand-in for a Supabase project's auth server on 127.0.0.1: it serves the public keys it is told to at
/// <c>/auth/v1/.well-known/jwks.json</c>, as Supabase does, and counts how often they are fetched.
/// </summary>
public sealed class LocalJwksServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private volatile TestSigningKey[] _published = [];
    private int _fetches;

    private LocalJwksServer(WebApplication app)
    {
        _app = app;
    }

    /// <summary>The project URL (<c>Supabase:Url</c>): the issuer is this plus <c>/auth/v1</c>.</summary>
    public string ProjectUrl { get; private set; } = null!;

    public string Issuer => ProjectUrl + "/auth/v1";

    /// <summary>How many times the keys were fetched.</summary>
    public int Fetches => Volatile.Read(ref _fetches);

    public static async Task<LocalJwksServer> StartAsync(params TestSigningKey[] published)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new LocalJwksServer(app) { _published = published };
        app.MapGet("/auth/v1/.well-known/jwks.json", (HttpContext context) =>
        {
            Interlocked.Increment(ref server._fetches);
            context.Response.Headers.CacheControl = "public, max-age=600";
            var keys = server._published.Select(k => k.PublicJwk!()).ToArray();
            return Results.Text(JsonSerializer.Serialize(new { keys = keys.Select(ToJson) }), "application/json");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        server.ProjectUrl = address.TrimEnd('/');
        return server;
    }

    /// <summary>From now on the endpoint serves exactly <paramref name="keys"/> (a rotation adds one, a revocation removes one).</summary>
    public void Publish(params TestSigningKey[] keys) => _published = keys;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static Dictionary<string, object?> ToJson(JsonWebKey key)
    {
        var json = new Dictionary<string, object?> { ["kty"] = key.Kty, ["kid"] = key.Kid, ["alg"] = key.Alg, ["use"] = key.Use, ["key_ops"] = new[] { "verify" } };
        if (key.Kty == JsonWebAlgorithmsKeyTypes.EllipticCurve)
        {
            json["crv"] = key.Crv;
            json["x"] = key.X;
            json["y"] = key.Y;
        }
        else
        {
            json["n"] = key.N;
            json["e"] = key.E;
        }

        return json;
    }
}
