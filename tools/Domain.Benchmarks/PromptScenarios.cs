using BenchmarkDotNet.Attributes;
using Domain.Application;
using Domain.Application.Common;
using Domain.Application.Prompts;
using Domain.Persistence.Prompts;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

namespace Domain.Benchmarks;

/// <summary>
/// The read every model call makes: the active prompt of a tool and provider, as a signed-in user asks
/// <see cref="PromptStore.GetActiveAsync"/> for it.
/// <list type="bullet">
/// <item><b>Npgsql</b> (baseline): the same join (prompt, active version) as one prepared command on the owner's connection;</item>
/// <item><b>CachedRead</b>: the store, served from <see cref="ActivePromptCache"/> (what every read costs while nothing changed);</item>
/// <item><b>Miss</b>: the store with a cache whose allowed staleness is one tick, so every read goes to the database: the
/// active prompt and the catalog version in one statement as the service role, claims included (what the first read of
/// a key after a change costs);</item>
/// <item><b>CatalogPoll</b>: the refresher's poll of the catalog version, made every half of the allowed staleness.</item>
/// </list>
/// </summary>
[BenchmarkCategory("read the active prompt")]
public class ActivePromptRead : Scenario
{
    private const string ActiveSql = """
        SELECT p.id, p.tool_name, p.provider, p.tier, v.id, v.version_number, v.content, v.content_hash, p.activated_at
          FROM public.system_prompts p
          JOIN public.prompt_versions v ON v.prompt_id = p.id AND v.version_number = p.active_version_number
         WHERE p.tool_name = $1 AND p.provider = $2
        """;

    private ServiceProvider _cachedServices = null!;
    private ServiceProvider _missingServices = null!;
    private PromptStore _cached = null!;
    private PromptStore _missing = null!;
    private Caller _caller = null!;
    private NpgsqlConnection _connection = null!;
    private NpgsqlCommand _raw = null!;

    [GlobalSetup]
    public async Task PublishAndWarmAsync()
    {
        _cachedServices = new ServiceCollection().AddSingleton(Db.AppContexts).AddDomainApplication().BuildServiceProvider();
        _missingServices = new ServiceCollection()
            .AddSingleton(Db.AppContexts)
            .AddDomainApplication()
            .Configure<PromptCacheOptions>(o => o.MaxStaleness = TimeSpan.FromTicks(1))
            .BuildServiceProvider();
        _cached = _cachedServices.GetRequiredService<PromptStore>();
        _missing = _missingServices.GetRequiredService<PromptStore>();
        foreach (var provider in new[] { "kimi", "glm", "base" })
        {
            await _cached.StoreVersionAsync(Caller.Service, new StorePromptVersionRequest(
                "codereview", provider, $"Review the diff for {provider}. List defects by severity, each with its line and a fix. " + new string('.', 2_000)));
        }

        _caller = Caller.User(NextUser().Id);
        await _cached.GetActiveAsync(_caller, "codereview", "kimi");
        _connection = await Db.OwnerDataSource.OpenConnectionAsync();
        _raw = await PreparedAsync(_connection, ActiveSql, (NpgsqlDbType.Varchar, "codereview"), (NpgsqlDbType.Varchar, "kimi"));
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _raw.DisposeAsync();
        await _connection.DisposeAsync();
        await _cachedServices.DisposeAsync();
        await _missingServices.DisposeAsync();
    }

    [Benchmark(Baseline = true)]
    public async Task<string> Npgsql()
    {
        await using var reader = await _raw.ExecuteReaderAsync();
        await reader.ReadAsync();
        return reader.GetString(6);
    }

    [Benchmark]
    public ValueTask<ActivePromptDto?> CachedRead() => _cached.GetActiveAsync(_caller, "codereview", "kimi");

    [Benchmark]
    public ValueTask<ActivePromptDto?> Miss() => _missing.GetActiveAsync(_caller, "codereview", "kimi");

    [Benchmark]
    public async Task<long> CatalogPoll()
    {
        await using var db = Db.AppContexts.AsServiceRole();
        return await db.ReadPromptCatalogVersionAsync();
    }
}
