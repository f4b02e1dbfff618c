using System.Diagnostics;
using Domain.Persistence;
using Domain.Persistence.LocalServer;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Domain.Benchmarks;

/// <summary>How much data the generator loads.</summary>
public sealed record BenchmarkScale(int Users, int SessionsPerUser, int RevisionsPerSession)
{
    public static BenchmarkScale Full { get; } = new(10_000, 100, 2);

    public static BenchmarkScale Quick { get; } = new(1_000, 20, 2);

    public long Sessions => (long)Users * SessionsPerUser;
}

/// <summary>
/// The database every benchmark uses, found as the tests find theirs: <c>DOMAIN_BENCH_CONNECTION</c> (or
/// <c>DOMAIN_TEST_CONNECTION</c>), a superuser connection to a server where a database may be created; otherwise a
/// throwaway cluster from the local PostgreSQL binaries. Loaded once with COPY, then shared by the benchmarks.
/// </summary>
public sealed class BenchmarkDatabase : IAsyncDisposable
{
    private const string DatabaseName = "domain_bench";
    private LocalPostgres? _local;

    private BenchmarkDatabase()
    {
    }

    public static BenchmarkDatabase Current { get; private set; } = null!;

    /// <summary>The schema owner (RLS does not apply): used by raw Npgsql, Dapper and EF without the interceptor.</summary>
    public string OwnerConnectionString { get; private set; } = null!;

    /// <summary>The application login role: EF with the claims interceptor, RLS on.</summary>
    public string AppConnectionString { get; private set; } = null!;

    public DomainDbContextFactory AppContexts { get; private set; } = null!;

    public NpgsqlDataSource OwnerDataSource { get; private set; } = null!;

    public string ServerDescription { get; private set; } = null!;

    /// <summary>Users, each with their session ids in creation order (oldest first).</summary>
    public IReadOnlyList<(Guid UserId, Guid[] Sessions)> Users { get; private set; } = [];

    /// <summary>Npgsql's automatic preparation for the EF connections (<c>--auto-prepare</c>); off by default, as in production.</summary>
    public static string AutoPrepare { get; set; } = string.Empty;

    /// <summary>The owner connection for EF without the interceptor, with the same Npgsql settings the RLS path gets.</summary>
    public string OwnerEfConnectionString => DomainDbContextOptions.Tuned(OwnerConnectionString) + AutoPrepare;

    public static async Task<BenchmarkDatabase> OpenAsync(BenchmarkScale scale)
    {
        var database = new BenchmarkDatabase();
        var configured = Environment.GetEnvironmentVariable("DOMAIN_BENCH_CONNECTION") ?? Environment.GetEnvironmentVariable("DOMAIN_TEST_CONNECTION");
        string admin;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            admin = configured;
            database.ServerDescription = "configured server";
        }
        else
        {
            database._local = await LocalPostgres.StartAsync(new LocalPostgresOptions
            {
                DataDirectory = Path.Combine(Path.GetTempPath(), $"domain-bench-{Environment.ProcessId}"),
            });
            admin = database._local.ConnectionString();
            database.ServerDescription = $"local PostgreSQL {database._local.Version} (fsync off)";
        }

        await Execute(admin, $"DROP DATABASE IF EXISTS {DatabaseName} WITH (FORCE)");
        await Execute(admin, $"CREATE DATABASE {DatabaseName}");
        database.OwnerConnectionString = new NpgsqlConnectionStringBuilder(admin) { Database = DatabaseName, MaxPoolSize = 50 }.ConnectionString;
        await using (var migrating = MigrationsDbContextFactory.Create(database.OwnerConnectionString))
        {
            await migrating.Database.MigrateAsync();
        }

        await AppLoginRole.EnsureAsync(database.OwnerConnectionString);
        database.AppConnectionString = AppLoginRole.ConnectionStringFor(database.OwnerConnectionString);
        database.AppContexts = new DomainDbContextFactory(DomainDbContextOptions.Create(database.AppConnectionString + AutoPrepare));
        database.OwnerDataSource = NpgsqlDataSource.Create(database.OwnerConnectionString);
        database.Users = await database.LoadAsync(scale);
        Current = database;
        return database;
    }

    public async ValueTask DisposeAsync()
    {
        await OwnerDataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        if (_local is not null)
        {
            await _local.DisposeAsync();
        }
    }

    /// <summary>Loads users, sessions and revisions with binary COPY, then ANALYZE.</summary>
    private async Task<IReadOnlyList<(Guid, Guid[])>> LoadAsync(BenchmarkScale scale)
    {
        var watch = Stopwatch.StartNew();
        var users = new List<(Guid, Guid[])>(scale.Users);
        var start = DateTimeOffset.UtcNow.AddDays(-30);
        await using var connection = await OwnerDataSource.OpenConnectionAsync();

        await using (var writer = await connection.BeginBinaryImportAsync("COPY auth.users (id, email) FROM STDIN (FORMAT BINARY)"))
        {
            for (var u = 0; u < scale.Users; u++)
            {
                var id = Guid.CreateVersion7(start.AddSeconds(u));
                users.Add((id, new Guid[scale.SessionsPerUser]));
                await writer.StartRowAsync();
                await writer.WriteAsync(id, NpgsqlDbType.Uuid);
                await writer.WriteAsync($"user{u}@bench.test", NpgsqlDbType.Text);
            }

            await writer.CompleteAsync();
        }

        const string Ir = """{"goal":"benchmark","holes":["?h1","?h2"],"steps":[1,2,3]}""";
        await using (var writer = await connection.BeginBinaryImportAsync(
            """
            COPY public.sessions (id, user_id, title, status, current_ir, metadata, last_revision_number, revision_count, created_at, updated_at)
            FROM STDIN (FORMAT BINARY)
            """))
        {
            for (var s = 0; s < scale.SessionsPerUser; s++)
            {
                foreach (var (userId, sessions) in users)
                {
                    var created = start.AddMinutes(s).AddTicks(userId.GetHashCode() & 0xFFFF);
                    var id = Guid.CreateVersion7(created);
                    sessions[s] = id;
                    await writer.StartRowAsync();
                    await writer.WriteAsync(id, NpgsqlDbType.Uuid);
                    await writer.WriteAsync(userId, NpgsqlDbType.Uuid);
                    await writer.WriteAsync($"session {s}", NpgsqlDbType.Varchar);
                    await writer.WriteAsync("active", "public.session_status");
                    await writer.WriteAsync(Ir, NpgsqlDbType.Jsonb);
                    await writer.WriteAsync("{}", NpgsqlDbType.Jsonb);
                    await writer.WriteAsync(scale.RevisionsPerSession, NpgsqlDbType.Integer);
                    await writer.WriteAsync(scale.RevisionsPerSession, NpgsqlDbType.Integer);
                    await writer.WriteAsync(created, NpgsqlDbType.TimestampTz);
                    await writer.WriteAsync(created, NpgsqlDbType.TimestampTz);
                }
            }

            await writer.CompleteAsync();
        }

        // The counters were written with the sessions above; the per-row counter triggers would count them twice.
        await using (var disable = new NpgsqlCommand("ALTER TABLE public.session_revisions DISABLE TRIGGER USER", connection))
        {
            await disable.ExecuteNonQueryAsync();
        }

        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY public.session_revisions (id, session_id, user_id, revision_number, ir, created_at) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var (userId, sessions) in users)
            {
                foreach (var sessionId in sessions)
                {
                    for (var r = 1; r <= scale.RevisionsPerSession; r++)
                    {
                        await writer.StartRowAsync();
                        await writer.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                        await writer.WriteAsync(sessionId, NpgsqlDbType.Uuid);
                        await writer.WriteAsync(userId, NpgsqlDbType.Uuid);
                        await writer.WriteAsync(r, NpgsqlDbType.Integer);
                        await writer.WriteAsync(Ir, NpgsqlDbType.Jsonb);
                        await writer.WriteAsync(start, NpgsqlDbType.TimestampTz);
                    }
                }
            }

            await writer.CompleteAsync();
        }

        await using (var enable = new NpgsqlCommand("ALTER TABLE public.session_revisions ENABLE TRIGGER USER", connection))
        {
            await enable.ExecuteNonQueryAsync();
        }

        await using (var analyze = new NpgsqlCommand("VACUUM ANALYZE", connection))
        {
            analyze.CommandTimeout = 0;
            await analyze.ExecuteNonQueryAsync();
        }

        Console.WriteLine($"loaded {scale.Users:N0} users, {scale.Sessions:N0} sessions, {scale.Sessions * scale.RevisionsPerSession:N0} revisions "
            + $"with COPY in {watch.Elapsed.TotalSeconds:N1} s");
        return users;
    }

    private static async Task Execute(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
