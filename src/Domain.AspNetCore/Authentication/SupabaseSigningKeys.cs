using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Domain.AspNetCore.Authentication;

/// <summary>
/// The project's public signing keys, fetched from its JWKS endpoint and cached. JWT bearer authentication reads them
/// through <see cref="IConfigurationManager{T}"/>, which never waits for the network: the waiting happens in
/// <see cref="PrepareForAsync"/>, before a token signed with an asymmetric key is checked, so HS256 tokens never wait
/// for (or depend on) the endpoint.
/// </summary>
/// <remarks>
/// Keys are fetched again when they are older than <see cref="SupabaseAuthOptions.JwksRefreshInterval"/>, and at once
/// when a token names a key id that is not among them (Supabase rotated its signing key), but not more often than
/// <see cref="SupabaseAuthOptions.JwksMinimumRefreshInterval"/> for unknown ids, so made-up ids cannot flood the
/// endpoint. Concurrent requests share one fetch. A failed fetch keeps the keys fetched before (logged as a warning);
/// a key Supabase revoked (removed from the set) stops verifying tokens at the next successful fetch.
/// </remarks>
public sealed class SupabaseSigningKeys : IConfigurationManager<OpenIdConnectConfiguration>
{
    /// <summary>The name of the <see cref="HttpClient"/> the keys are fetched with (from <see cref="IHttpClientFactory"/>).</summary>
    public const string HttpClientName = "Domain.Supabase.Jwks";

    private readonly Uri? _jwksUri;
    private readonly SupabaseAuthOptions _options;
    private readonly IHttpClientFactory _httpClients;
    private readonly TimeProvider _clock;
    private readonly ILogger<SupabaseSigningKeys> _logger;
    private readonly SemaphoreSlim _fetching = new(1, 1);

    private volatile Snapshot _current = Snapshot.Empty;
    private volatile bool _refreshRequested;
    private long _fetchCount;

    public SupabaseSigningKeys(
        IOptions<SupabaseAuthOptions> options, IHttpClientFactory httpClients, TimeProvider clock, ILogger<SupabaseSigningKeys> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _jwksUri = _options.ResolvedJwksUri;
        _httpClients = httpClients;
        _clock = clock;
        _logger = logger;
    }

    /// <summary>How many times the keys were fetched (successfully or not) since the application started.</summary>
    public long FetchCount => Interlocked.Read(ref _fetchCount);

    /// <summary>The key ids currently trusted.</summary>
    public IReadOnlyCollection<string> KeyIds => _current.KeyIds;

    /// <summary>The keys as they are now; never waits and never throws.</summary>
    public Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel) => Task.FromResult(_current.Configuration);

    /// <summary>Asks for a fetch before the next asymmetric token is checked (JWT bearer calls it when no key matched).</summary>
    public void RequestRefresh() => _refreshRequested = true;

    /// <summary>
    /// Makes sure the keys are fresh enough to check a token signed with an asymmetric key whose header names
    /// <paramref name="keyId"/>: fetches them when they are stale, when a fetch was requested, or when the id is unknown
    /// and the last fetch is older than the minimum interval. Never throws for a failed fetch.
    /// </summary>
    public async ValueTask PrepareForAsync(string? keyId, CancellationToken cancellationToken)
    {
        if (_jwksUri is null)
        {
            return;
        }

        var seen = _current;
        if (!NeedsFetch(seen, keyId))
        {
            return;
        }

        await _fetching.WaitAsync(cancellationToken);
        try
        {
            // Another request may have fetched while this one waited.
            if (!ReferenceEquals(seen, _current) && !NeedsFetch(_current, keyId))
            {
                return;
            }

            _refreshRequested = false;
            _current = await FetchAsync(_current, cancellationToken);
        }
        finally
        {
            _fetching.Release();
        }
    }

    private bool NeedsFetch(Snapshot keys, string? keyId)
    {
        var now = _clock.GetUtcNow();
        if (keys.AttemptedAt is not { } attempted)
        {
            return true;
        }

        var sinceAttempt = now - attempted;
        var mayRetry = sinceAttempt >= _options.JwksMinimumRefreshInterval;
        if (keys.FetchedAt is not { } fetched)
        {
            return mayRetry;
        }

        if (now - fetched >= _options.JwksRefreshInterval)
        {
            return mayRetry || keys.LastFetchSucceeded;
        }

        var unknownKey = keyId is not null && !keys.KeyIds.Contains(keyId);
        return (unknownKey || _refreshRequested) && mayRetry;
    }

    private async Task<Snapshot> FetchAsync(Snapshot previous, CancellationToken cancellationToken)
    {
        var attemptedAt = _clock.GetUtcNow();
        Interlocked.Increment(ref _fetchCount);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.JwksTimeout);
            var client = _httpClients.CreateClient(HttpClientName);
            using var response = await client.GetAsync(_jwksUri, timeout.Token);
            response.EnsureSuccessStatusCode();
            var json = await response.Content.ReadAsStringAsync(timeout.Token);
            var set = new JsonWebKeySet(json);
            var configuration = new OpenIdConnectConfiguration { JsonWebKeySet = set };
            var keyIds = new HashSet<string>(StringComparer.Ordinal);
            foreach (var key in set.GetSigningKeys())
            {
                configuration.SigningKeys.Add(key);
                if (key.KeyId is { } id)
                {
                    keyIds.Add(id);
                }
            }

            if (!keyIds.SetEquals(previous.KeyIds))
            {
                _logger.LogInformation("Supabase signing keys from {JwksUri}: {KeyIds}", _jwksUri, string.Join(", ", keyIds.Order(StringComparer.Ordinal)));
            }

            return new Snapshot(configuration, keyIds, attemptedAt, attemptedAt, LastFetchSucceeded: true);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning(ex, "Could not fetch the Supabase signing keys from {JwksUri}; keeping the {Count} keys fetched before", _jwksUri,
                previous.KeyIds.Count);
            return previous with { AttemptedAt = attemptedAt, LastFetchSucceeded = false };
        }
    }

    /// <summary>The keys of one fetch, with when it was tried and when it last succeeded.</summary>
    private sealed record Snapshot(
        OpenIdConnectConfiguration Configuration, HashSet<string> KeyIds, DateTimeOffset? AttemptedAt, DateTimeOffset? FetchedAt, bool LastFetchSucceeded)
    {
        public static Snapshot Empty { get; } = new(new OpenIdConnectConfiguration(), [], null, null, LastFetchSucceeded: false);
    }
}
