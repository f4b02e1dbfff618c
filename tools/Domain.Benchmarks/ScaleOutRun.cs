using System.Diagnostics;
using System.Globalization;
using System.Text;
using Domain.DevDatabase;
using Domain.Persistence;
using Domain.Persistence.Sessions;
using Domain.Sessions;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Domain.Benchmarks;

/// <summary>
/// <c>--scale-out</c>: throughput with many concurrent clients, which BenchmarkDotNet does not measure. The read by id and
/// the policy-only page (<see cref="PolicyOnlyPage"/>'s <c>EfPolicyOnly</c>) through this layer's EF path, each with
/// <c>--clients</c> clients (default 32), five ways taken in turn for <c>--rounds</c> rounds (default 5) of <c>--seconds</c>
/// each (default 2, after 2 of warm-up), so that a neighbour's load falls on every way alike: straight to the
/// primary as <see cref="DomainConnectionMode.Direct"/> (automatic preparation, Npgsql's reset), straight to the primary
/// with the settings of <see cref="DomainConnectionMode.TransactionPooler"/> (what the pooler's settings cost apart from
/// the hop), through a local PgBouncer in transaction mode (<c>--pool-size</c> server sessions, default 4), the same with
/// Npgsql's reset turned back on (what TransactionPooler's <c>No Reset On Close=true</c> saves), and from a
/// streaming standby of the benchmark's cluster through read-only contexts. Then what read-your-writes costs a write:
/// appending a revision (the one-statement store path) on a factory without a replica and on one with it, which reads the
/// primary's WAL position after each write, with one client and with all of them. Needs the local cluster (the standby is
/// made with pg_basebackup) and PgBouncer.
/// </summary>
internal static class ScaleOutRun
{
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(2);

    public static async Task<string> RunAsync(BenchmarkDatabase database, int clients, int rounds, TimeSpan duration, int poolSize)
    {
        var local = database.LocalCluster
            ?? throw new InvalidOperationException("--scale-out needs the local cluster (it makes a standby of it); unset DOMAIN_BENCH_CONNECTION.");
        await using var standby = await local.StartStandbyAsync("domain-bench-standby-");
        await CatchUpAsync(database.OwnerConnectionString, standby.ConnectionString(BenchmarkDatabase.DatabaseName));
        var owner = new NpgsqlConnectionStringBuilder(database.OwnerConnectionString);
        await using var bouncer = await LocalPgBouncer.StartAsync(new LocalPgBouncerOptions
        {
            ServerHost = owner.Host!,
            ServerPort = owner.Port,
            DefaultPoolSize = poolSize,
            Logins = new Dictionary<string, string> { [owner.Username!] = owner.Password ?? string.Empty, [AppLoginRole.Name] = AppLoginRole.DevPassword },
        });

        var app = database.AppConnectionString;
        var standbyApp = new NpgsqlConnectionStringBuilder(app) { Port = standby.Port }.ConnectionString;
        var direct = new DomainDbContextFactory(DomainDbContextOptions.Create(app, DomainConnectionMode.Direct));
        var directPoolerSettings = new DomainDbContextFactory(DomainDbContextOptions.Create(Pool(app, "pooler-settings"), DomainConnectionMode.TransactionPooler));
        var pooled = new DomainDbContextFactory(DomainDbContextOptions.Create(Pool(bouncer.Route(app), "pgbouncer"), DomainConnectionMode.TransactionPooler));
        var pooledWithReset = new DomainDbContextFactory(DomainDbContextOptions.Create(
            Pool(bouncer.Route(app), "pgbouncer-reset") + ";No Reset On Close=false", DomainConnectionMode.TransactionPooler));
        var replica = new DomainDbContextFactory(
            DomainDbContextOptions.Create(Pool(app, "primary-of-replica")), DomainDbContextOptions.Create(standbyApp), TimeSpan.FromMilliseconds(100));

        (string Name, Func<BenchUser, Task<DomainDbContext>> Context)[] targets =
        [
            ("direct (Direct: automatic preparation, reset)", u => Task.FromResult(direct.ForUser(u.Id))),
            ("direct with TransactionPooler settings", u => Task.FromResult(directPoolerSettings.ForUser(u.Id))),
            ($"through PgBouncer ({poolSize} server sessions)", u => Task.FromResult(pooled.ForUser(u.Id))),
            ("through PgBouncer, Npgsql's reset turned back on", u => Task.FromResult(pooledWithReset.ForUser(u.Id))),
            ("standby (read-only contexts)", async u => await replica.ReadOnlyForUserAsync(u.Id)),
        ];
        (string Name, Func<DomainDbContext, BenchUser, Task> Read)[] reads =
        [
            ("read one session by id", async (db, u) => _ = await db.FindSessionAsync(u.Sessions[^1]) ?? throw new InvalidOperationException("RLS hid the user's session.")),
            ("policy-only page of 20", async (db, _) => Full(await db.Sessions.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id).Take(20).ToListAsync())),
        ];

        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture,
            $"{clients} clients; the ways of each operation taken in turn, {rounds} rounds of {duration.TotalSeconds:N0} s each after {WarmUp.TotalSeconds:N0} s of warm-up; "
            + $"operations/s is the median round (lowest and highest in brackets), latencies over all rounds; PgBouncer 1.18 in transaction mode with "
            + $"default_pool_size = {poolSize}; machine: {Environment.ProcessorCount} cores (client, PgBouncer, primary and standby all on them).");
        table.AppendLine();
        table.AppendLine("| operation | where | operations/s | median | p95 | p99 |");
        table.AppendLine("| --- | --- | ---: | ---: | ---: | ---: |");
        foreach (var (readName, read) in reads)
        {
            var results = await MeasureInTurnAsync(database.Users, clients, rounds, duration, [.. targets.Select(t => (Func<BenchUser, Task>)(async user =>
            {
                await using var db = await t.Context(user);
                await read(db, user);
            }))]);
            for (var i = 0; i < targets.Length; i++)
            {
                table.AppendLine(Row(readName, targets[i].Name, results[i]));
            }
        }

        // Two fresh factories with pools of their own, so that neither writes through connections the reads warmed.
        var untracked = new DomainDbContextFactory(DomainDbContextOptions.Create(Pool(app, "untracked-writes")));
        var tracked = new DomainDbContextFactory(
            DomainDbContextOptions.Create(Pool(app, "tracked-writes")), DomainDbContextOptions.Create(standbyApp), TimeSpan.FromMilliseconds(100));
        (string Name, DomainDbContextFactory Contexts)[] writeTargets =
        [
            ("direct, no replica", untracked),
            ("direct, replica configured: WAL position read after each write", tracked),
        ];
        foreach (var writers in new[] { 1, clients })
        {
            var results = await MeasureInTurnAsync(database.Users, writers, rounds, duration, [.. writeTargets.Select(t => (Func<BenchUser, Task>)(async user =>
            {
                await using var db = t.Contexts.ForUser(user.Id);
                _ = await db.AppendRevisionAsync(user.Sessions[0], """{"bench":"append"}""", null, DateTimeOffset.UtcNow)
                    ?? throw new InvalidOperationException("The append wrote nothing.");
            }))]);
            for (var i = 0; i < writeTargets.Length; i++)
            {
                table.AppendLine(Row($"add one revision, {writers} client{(writers == 1 ? string.Empty : "s")}", writeTargets[i].Name, results[i]));
            }
        }

        NpgsqlConnection.ClearAllPools();
        return table.ToString();
    }

    private sealed record Measurement(double[] RoundsPerSecond, double[] LatenciesMicroseconds);

    /// <summary>
    /// Each of <paramref name="ways"/> warmed up, then measured in turn for <paramref name="rounds"/> rounds of
    /// <paramref name="duration"/>, with <paramref name="clients"/> loops each taking the next user; every operation's
    /// latency is kept.
    /// </summary>
    private static async Task<Measurement[]> MeasureInTurnAsync(
        IReadOnlyList<BenchUser> users, int clients, int rounds, TimeSpan duration, Func<BenchUser, Task>[] ways)
    {
        foreach (var way in ways)
        {
            await RunAsync(users, clients, WarmUp, way);
        }

        var perSecond = ways.Select(_ => new List<double>()).ToArray();
        var latencies = ways.Select(_ => new List<double>()).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            for (var i = 0; i < ways.Length; i++)
            {
                var (elapsed, taken) = await RunAsync(users, clients, duration, ways[i]);
                perSecond[i].Add(taken.Count / elapsed.TotalSeconds);
                latencies[i].AddRange(taken);
            }
        }

        return [.. ways.Select((_, i) => new Measurement([.. perSecond[i].Order()], [.. latencies[i].Order()]))];
    }

    private static async Task<(TimeSpan Elapsed, List<double> Latencies)> RunAsync(
        IReadOnlyList<BenchUser> users, int clients, TimeSpan duration, Func<BenchUser, Task> operation)
    {
        var next = Random.Shared.Next(users.Count);
        async Task<List<double>> LoopAsync(DateTime until)
        {
            var latencies = new List<double>(4096);
            while (DateTime.UtcNow < until)
            {
                var user = users[(Interlocked.Increment(ref next) & int.MaxValue) % users.Count];
                var started = Stopwatch.GetTimestamp();
                await operation(user);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
            }

            return latencies;
        }

        var watch = Stopwatch.StartNew();
        var until = DateTime.UtcNow + duration;
        var all = await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(() => LoopAsync(until))));
        watch.Stop();
        return (watch.Elapsed, [.. all.SelectMany(l => l)]);
    }

    private static string Row(string operation, string where, Measurement m) => string.Create(CultureInfo.InvariantCulture,
        $"| {operation} | {where} | {m.RoundsPerSecond[m.RoundsPerSecond.Length / 2]:N0} ({m.RoundsPerSecond[0]:N0}–{m.RoundsPerSecond[^1]:N0}) "
        + $"| {Percentile(m, 0.50)} | {Percentile(m, 0.95)} | {Percentile(m, 0.99)} |");

    private static string Percentile(Measurement m, double p)
    {
        if (m.LatenciesMicroseconds.Length == 0)
        {
            return "-";
        }

        var value = m.LatenciesMicroseconds[(int)Math.Min(m.LatenciesMicroseconds.Length - 1, Math.Floor(p * m.LatenciesMicroseconds.Length))];
        return value >= 1000
            ? (value / 1000).ToString("0.00 'ms'", CultureInfo.InvariantCulture)
            : value.ToString("0 'µs'", CultureInfo.InvariantCulture);
    }

    private static List<Session> Full(List<Session> page)
        => page.Count == 20 ? page : throw new InvalidOperationException($"The page held {page.Count} sessions, not 20.");

    private static string Pool(string connectionString, string name)
        => new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = $"bench-{name}" }.ConnectionString;

    private static async Task CatchUpAsync(string primary, string standby)
    {
        NpgsqlLogSequenceNumber target;
        await using (var connection = new NpgsqlConnection(primary))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT pg_catalog.pg_current_wal_insert_lsn()", connection);
            target = (NpgsqlLogSequenceNumber)(await command.ExecuteScalarAsync())!;
        }

        await using var replica = new NpgsqlConnection(standby);
        await replica.OpenAsync();
        while (true)
        {
            await using var command = new NpgsqlCommand("SELECT pg_catalog.pg_last_wal_replay_lsn()", replica);
            if (await command.ExecuteScalarAsync() is NpgsqlLogSequenceNumber replayed && replayed >= target)
            {
                return;
            }

            await Task.Delay(50);
        }
    }
}
