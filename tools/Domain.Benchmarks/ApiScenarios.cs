using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Domain.Api;
using Domain.Application.Common;
using Domain.Application.Sessions;
using Domain.Persistence;
using Domain.Persistence.Sessions;
using Mapster;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using NpgsqlTypes;

namespace Domain.Benchmarks;

/// <summary>
/// GET /sessions/{id} through HTTP for a signed-in user (an ES256 token verified against the project's keys, as
/// Supabase issues them), in the same process, on the same host and client: the API's endpoint
/// (<see cref="SessionStore.GetAsync"/>, EF with the claims interceptors); the same route and token work with the read
/// done by raw Npgsql (the claims statement and the same snapshot SQL in one prepared batch, mapped to the same DTO);
/// the token work alone; the token work with the same body from memory; and the store's read without HTTP. Kestrel on
/// 127.0.0.1, a real HttpClient.
/// </summary>
[BenchmarkCategory("GET /sessions/{id} through the API")]
public class ApiReadById : Scenario
{
    private ApiBenchmarkHost _host = null!;

    [GlobalSetup]
    public async Task StartApiAsync() => _host = await ApiBenchmarkHost.StartAsync(Db);

    [GlobalCleanup]
    public async Task StopApiAsync() => await _host.DisposeAsync();

    [Benchmark]
    public Task<int> ApiStore() => GetAsync(user => $"/sessions/{user.Sessions[^1]}");

    [Benchmark(Baseline = true)]
    public Task<int> ApiRawNpgsql() => GetAsync(user => $"/bench/raw/sessions/{user.Sessions[^1]}");

    /// <summary>The raw read, except that it is not given the request's cancellation token.</summary>
    [Benchmark]
    public Task<int> ApiRawNpgsqlWithoutRequestAborted() => GetAsync(user => $"/bench/raw-uncancellable/sessions/{user.Sessions[^1]}");

    [Benchmark]
    public Task<int> TokenOnly() => GetAsync(_ => "/bench/caller");

    /// <summary>The same token work and the same response body, served from memory: what HTTP, the token and JSON cost.</summary>
    [Benchmark]
    public Task<int> TokenAndCachedBody() => GetAsync(user => $"/bench/cached/sessions/{user.Sessions[^1]}");

    /// <summary>The API's endpoint, except that the store is not given the request's cancellation token.</summary>
    [Benchmark]
    public Task<int> ApiStoreWithoutRequestAborted() => GetAsync(user => $"/bench/uncancellable/sessions/{user.Sessions[^1]}");

    /// <summary>The store's read alone, in the same process, without HTTP or a token.</summary>
    [Benchmark]
    public async Task<int> StoreWithoutHttp()
    {
        var user = NextUser();
        var details = await _host.Sessions.GetAsync(Caller.User(user.Id), user.Sessions[^1]);
        return details?.Revisions.Count ?? throw new InvalidOperationException("RLS hid the user's own session.");
    }

    private async Task<int> GetAsync(Func<BenchUser, string> path)
    {
        var user = NextUser();
        using var request = new HttpRequestMessage(HttpMethod.Get, path(user));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _host.TokenOf(user.Id));
        using var response = await _host.Client.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        return response.StatusCode == HttpStatusCode.OK ? body.Length : throw new InvalidOperationException($"{path(user)}: {response.StatusCode}");
    }
}

/// <summary>
/// The API (its own composition, <see cref="DomainApiEndpoints"/>) on Kestrel at 127.0.0.1, trusting an ES256 key it
/// also serves as the project's JWKS, with the benchmark's extra routes; a token per benchmark user, signed once.
/// </summary>
internal sealed class ApiBenchmarkHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly NpgsqlDataSource _rawSource;
    private readonly Dictionary<Guid, string> _tokens;

    private ApiBenchmarkHost(WebApplication app, NpgsqlDataSource rawSource, Dictionary<Guid, string> tokens, HttpClient client)
    {
        _app = app;
        _rawSource = rawSource;
        _tokens = tokens;
        Client = client;
    }

    public HttpClient Client { get; }

    public SessionStore Sessions => _app.Services.GetRequiredService<SessionStore>();

    public string TokenOf(Guid userId) => _tokens[userId];

    public static async Task<ApiBenchmarkHost> StartAsync(BenchmarkDatabase database)
    {
        var port = FreePort();
        var url = $"http://127.0.0.1:{port}";
        var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var key = new ECDsaSecurityKey(ecdsa) { KeyId = "bench" };
        var jwks = JwksOf(ecdsa, key.KeyId);

        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        builder.Configuration["ConnectionStrings:Domain"] = database.AppConnectionString + BenchmarkDatabase.ConnectionSettings;
        builder.Configuration["Supabase:Url"] = url;
        builder.AddDomainApi();
        var app = builder.Build();
        app.MapDomainApi();

        var rawSource = NpgsqlDataSource.Create(DomainDbContextOptions.Tuned(database.AppConnectionString + BenchmarkDatabase.ConnectionSettings));
        app.MapGet("/auth/v1/.well-known/jwks.json", () => Results.Text(jwks, "application/json"));
        app.MapGet("/bench/caller", (Caller caller) => Results.Ok(new { caller = caller.UserId })).RequireAuthorization();
        var cached = new System.Collections.Concurrent.ConcurrentDictionary<Guid, SessionDetailsDto>();
        app.MapGet("/bench/cached/sessions/{id:guid}", async (Guid id, Caller caller, SessionStore sessions) =>
            Results.Ok(cached.TryGetValue(id, out var dto) ? dto : cached[id] = (await sessions.GetAsync(caller, id))!)).RequireAuthorization();
        app.MapGet("/bench/uncancellable/sessions/{id:guid}", async (Guid id, Caller caller, SessionStore sessions) =>
            Results.Ok(await sessions.GetAsync(caller, id))).RequireAuthorization();
        app.MapGet("/bench/raw-uncancellable/sessions/{id:guid}", (Guid id, Caller caller, TypeAdapterConfig mapping)
            => ReadRawAsync(rawSource, mapping, caller.UserId!.Value, id, CancellationToken.None)).RequireAuthorization();
        app.MapGet("/bench/raw/sessions/{id:guid}", (Guid id, Caller caller, TypeAdapterConfig mapping, CancellationToken ct)
            => ReadRawAsync(rawSource, mapping, caller.UserId!.Value, id, ct)).RequireAuthorization();
        await app.StartAsync();

        var issuer = url + "/auth/v1";
        var handler = new JsonWebTokenHandler();
        var credentials = new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256);
        var tokens = database.Users.ToDictionary(u => u.Id, u => handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = "authenticated",
            Expires = DateTime.UtcNow.AddHours(6),
            Claims = new Dictionary<string, object> { ["sub"] = u.Id.ToString(), ["role"] = "authenticated", ["email"] = $"{u.Id:N}@bench.test" },
            SigningCredentials = credentials,
        }));
        var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(30) }) { BaseAddress = new Uri(url) };
        return new ApiBenchmarkHost(app, rawSource, tokens, client);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
        await _rawSource.DisposeAsync();
    }

    /// <summary>The endpoint's read done by raw Npgsql: the claims statement and the snapshot SQL in one prepared batch, the same DTO.</summary>
    private static async Task<IResult> ReadRawAsync(NpgsqlDataSource source, TypeAdapterConfig mapping, Guid userId, Guid id, CancellationToken ct)
    {
        await using var connection = await source.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection);
        var setClaims = new NpgsqlBatchCommand(Persistence.Rls.ClaimsStatement.StatementSql);
        Persistence.Rls.ClaimsStatement.AddParameters(setClaims.Parameters, Persistence.Rls.RlsClaims.ForUser(userId));
        batch.BatchCommands.Add(setClaims);
        var query = new NpgsqlBatchCommand(SessionQueries.SnapshotSql);
        query.Parameters.Add(new NpgsqlParameter("id", NpgsqlDbType.Uuid) { Value = id });
        batch.BatchCommands.Add(query);
        await batch.PrepareAsync(ct);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.NextResultAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return Results.NotFound();
        }

        var snapshot = JsonSerializer.Deserialize(reader.GetString(0), SessionSnapshotJson.Default.SessionSnapshot);
        return Results.Ok(snapshot!.Adapt<SessionDetailsDto>(mapping));
    }

    private static string JwksOf(ECDsa ecdsa, string keyId)
    {
        var q = ecdsa.ExportParameters(includePrivateParameters: false).Q;
        return JsonSerializer.Serialize(new
        {
            keys = new[]
            {
                new { kty = "EC", crv = "P-256", x = Base64UrlEncoder.Encode(q.X), y = Base64UrlEncoder.Encode(q.Y), kid = keyId, alg = "ES256", use = "sig" },
            },
        });
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
