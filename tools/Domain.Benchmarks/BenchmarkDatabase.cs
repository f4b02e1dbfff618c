using System.Diagnostics;
using System.Globalization;
using Domain.DevDatabase;
using Domain.Persistence;
using Npgsql;
using NpgsqlTypes;

namespace Domain.Benchmarks;

/// <summary>How much data the generator loads: per user as many conversations as sessions.</summary>
public sealed record BenchmarkScale(int Users, int SessionsPerUser, int RevisionsPerSession, int MessagesPerConversation)
{
    public static BenchmarkScale Full { get; } = new(10_000, 100, 2, 3);

    /// <summary>
    /// 50 sessions a user: the keyset page reads the 20 sessions after the 20 newest, so a user needs at least 40
    /// for that page to be full (with 20, as this scale once had, the page was empty and measured nothing).
    /// </summary>
    public static BenchmarkScale Quick { get; } = new(1_000, 50, 2, 3);

    public long Sessions => (long)Users * SessionsPerUser;

    public long Conversations => Sessions;

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Users:N0} users, {Sessions:N0} sessions, {Sessions * RevisionsPerSession:N0} revisions, {Conversations:N0} conversations, "
        + $"{Conversations * MessagesPerConversation:N0} messages, {Users * BenchmarkDatabase.DraftsInNewest:N0} drafts and "
        + $"{Users * BenchmarkDatabase.HolesInNewest:N0} hole resolutions (in each user's newest session)");
}

/// <summary>A generated user with their session and conversation ids, oldest first.</summary>
public sealed record BenchUser(Guid Id, Guid[] Sessions, Guid[] Conversations);

/// <summary>
/// The database every benchmark uses, provisioned as the tests provision theirs (<see cref="DatabaseProvisioner"/>):
/// <c>DOMAIN_BENCH_CONNECTION</c> (or <c>DOMAIN_TEST_CONNECTION</c>), a superuser connection to a server where a
/// database may be created; otherwise a throwaway cluster from the local PostgreSQL binaries. No container: the
/// numbers are for loopback to a local server. Recreated empty, migrated, then loaded once with COPY and shared.
/// </summary>
public sealed class BenchmarkDatabase : IAsyncDisposable
{
    internal const string DatabaseName = "domain_bench";

    /// <summary>Drafts and hole resolutions in each user's newest session, the one the aggregate load reads.</summary>
    internal const int DraftsInNewest = 2;

    internal const int HolesInNewest = 3;
    private ProvisionedDatabase _provisioned = null!;

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

    /// <summary>
    /// The application login role with the data layer's Npgsql settings, for raw Npgsql that sends the claims itself
    /// (the <c>NpgsqlRls</c> variants): RLS applies, as on the EF path.
    /// </summary>
    public NpgsqlDataSource AppDataSource { get; private set; } = null!;

    public string ServerDescription { get; private set; } = null!;

    /// <summary>The local cluster the database is on; null on a configured server.</summary>
    public LocalPostgres? LocalCluster => _provisioned.Server.LocalCluster;

    public IReadOnlyList<BenchUser> Users { get; private set; } = [];

    /// <summary>
    /// Appended to every connection string before the data layer's tuning: empty by default (the layer's own
    /// settings, with automatic preparation), <c>;Max Auto Prepare=0</c> with <c>--no-prepare</c> (as behind a
    /// transaction-mode pooler). Raw Npgsql prepares its commands explicitly either way.
    /// </summary>
    public static string ConnectionSettings { get; set; } = string.Empty;

    /// <summary>
    /// The owner's connection with exactly the Npgsql settings the RLS path gets (<see cref="DomainDbContextOptions.Tuned"/>):
    /// EF without the interceptor, raw Npgsql and Dapper all use it, so no variant is measured with a handicap such
    /// as Npgsql's default reset of every pooled connection.
    /// </summary>
    public string OwnerTunedConnectionString => DomainDbContextOptions.Tuned(OwnerConnectionString + ConnectionSettings);

    public static async Task<BenchmarkDatabase> OpenAsync(BenchmarkScale scale)
    {
        var database = new BenchmarkDatabase();
        database._provisioned = await DatabaseProvisioner.ProvisionAsync(
            [ConnectionStringSource.FromEnvironment("DOMAIN_BENCH_CONNECTION", "DOMAIN_TEST_CONNECTION"), LocalClusterSource.Throwaway("domain-bench-")],
            new ProvisionOptions { Database = DatabaseName, RecreateDatabase = true });
        database.ServerDescription = database._provisioned.Server.LocalCluster is { } local
            ? $"local PostgreSQL {local.Version} (fsync off)"
            : "configured server";
        database.OwnerConnectionString = WithPoolOf50(database._provisioned.OwnerConnectionString);
        database.AppConnectionString = WithPoolOf50(database._provisioned.AppConnectionString!);
        database.AppContexts = new DomainDbContextFactory(DomainDbContextOptions.Create(database.AppConnectionString + ConnectionSettings));
        database.OwnerDataSource = NpgsqlDataSource.Create(database.OwnerTunedConnectionString);
        database.AppDataSource = NpgsqlDataSource.Create(DomainDbContextOptions.Tuned(database.AppConnectionString + ConnectionSettings));
        database.Users = await database.LoadAsync(scale);
        Current = database;
        return database;
    }

    public async ValueTask DisposeAsync()
    {
        await OwnerDataSource.DisposeAsync();
        await AppDataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await _provisioned.DisposeAsync();
    }

    private static string WithPoolOf50(string connectionString)
        => new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 50 }.ConnectionString;

    /// <summary>
    /// Loads users, sessions with revisions and conversations with messages with binary COPY, then VACUUM ANALYZE.
    /// The loader writes the counters itself, so the per-row counter triggers are off while the children load.
    /// </summary>
    private async Task<IReadOnlyList<BenchUser>> LoadAsync(BenchmarkScale scale)
    {
        var watch = Stopwatch.StartNew();
        var users = new List<BenchUser>(scale.Users);
        var start = DateTimeOffset.UtcNow.AddDays(-30);
        await using var connection = await OwnerDataSource.OpenConnectionAsync();

        await using (var writer = await connection.BeginBinaryImportAsync("COPY auth.users (id, email) FROM STDIN (FORMAT BINARY)"))
        {
            for (var u = 0; u < scale.Users; u++)
            {
                var id = Guid.CreateVersion7(start.AddSeconds(u));
                users.Add(new BenchUser(id, new Guid[scale.SessionsPerUser], new Guid[scale.SessionsPerUser]));
                await writer.StartRowAsync();
                await writer.WriteAsync(id, NpgsqlDbType.Uuid);
                await writer.WriteAsync($"user{u}@bench.test", NpgsqlDbType.Text);
            }

            await writer.CompleteAsync();
        }

        const string Ir = """{"goal":"benchmark","holes":["?h1","?h2"],"steps":[1,2,3]}""";
        await using (var writer = await connection.BeginBinaryImportAsync(
            """
            COPY public.sessions
                (id, user_id, title, status, current_ir, metadata, last_revision_number, revision_count, draft_count, hole_count, created_at, updated_at)
            FROM STDIN (FORMAT BINARY)
            """))
        {
            for (var s = 0; s < scale.SessionsPerUser; s++)
            {
                foreach (var user in users)
                {
                    var created = start.AddMinutes(s).AddTicks(user.Id.GetHashCode() & 0xFFFF);
                    var id = Guid.CreateVersion7(created);
                    user.Sessions[s] = id;
                    await writer.StartRowAsync();
                    await writer.WriteAsync(id, NpgsqlDbType.Uuid);
                    await writer.WriteAsync(user.Id, NpgsqlDbType.Uuid);
                    await writer.WriteAsync($"session {s}", NpgsqlDbType.Varchar);
                    await writer.WriteAsync("active", "public.session_status");
                    await writer.WriteAsync(Ir, NpgsqlDbType.Jsonb);
                    await writer.WriteAsync("{}", NpgsqlDbType.Jsonb);
                    await writer.WriteAsync(scale.RevisionsPerSession, NpgsqlDbType.Integer);
                    await writer.WriteAsync(scale.RevisionsPerSession, NpgsqlDbType.Integer);
                    var newest = s == scale.SessionsPerUser - 1;
                    await writer.WriteAsync(newest ? DraftsInNewest : 0, NpgsqlDbType.Integer);
                    await writer.WriteAsync(newest ? HolesInNewest : 0, NpgsqlDbType.Integer);
                    await writer.WriteAsync(created, NpgsqlDbType.TimestampTz);
                    await writer.WriteAsync(created, NpgsqlDbType.TimestampTz);
                }
            }

            await writer.CompleteAsync();
        }

        await ExecuteAsync(connection, "ALTER TABLE public.session_revisions DISABLE TRIGGER USER");
        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY public.session_revisions (id, session_id, user_id, revision_number, ir, created_at) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var user in users)
            {
                foreach (var sessionId in user.Sessions)
                {
                    for (var r = 1; r <= scale.RevisionsPerSession; r++)
                    {
                        await writer.StartRowAsync();
                        await writer.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                        await writer.WriteAsync(sessionId, NpgsqlDbType.Uuid);
                        await writer.WriteAsync(user.Id, NpgsqlDbType.Uuid);
                        await writer.WriteAsync(r, NpgsqlDbType.Integer);
                        await writer.WriteAsync(Ir, NpgsqlDbType.Jsonb);
                        await writer.WriteAsync(start, NpgsqlDbType.TimestampTz);
                    }
                }
            }

            await writer.CompleteAsync();
        }

        await ExecuteAsync(connection, "ALTER TABLE public.session_revisions ENABLE TRIGGER USER");

        // Each user's newest session (the one the aggregate load reads) also has drafts and hole resolutions.
        await ExecuteAsync(connection, "ALTER TABLE public.session_drafts DISABLE TRIGGER USER");
        await using (var writer = await connection.BeginBinaryImportAsync(
            """
            COPY public.session_drafts (id, session_id, user_id, revision_number, code, language, is_valid, validation_details, created_at)
            FROM STDIN (FORMAT BINARY)
            """))
        {
            foreach (var user in users)
            {
                for (var d = 1; d <= DraftsInNewest; d++)
                {
                    await writer.StartRowAsync();
                    await writer.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                    await writer.WriteAsync(user.Sessions[^1], NpgsqlDbType.Uuid);
                    await writer.WriteAsync(user.Id, NpgsqlDbType.Uuid);
                    await writer.WriteAsync(scale.RevisionsPerSession, NpgsqlDbType.Integer);
                    await writer.WriteAsync($"def solve_{d}(dates):\n    return sorted(dates)\n", NpgsqlDbType.Text);
                    await writer.WriteAsync("python", NpgsqlDbType.Varchar);
                    await writer.WriteAsync(d % 2 == 0, NpgsqlDbType.Boolean);
                    await writer.WriteAsync("""{"errors":[],"warnings":["unused import"]}""", NpgsqlDbType.Jsonb);
                    await writer.WriteAsync(start.AddSeconds(d), NpgsqlDbType.TimestampTz);
                }
            }

            await writer.CompleteAsync();
        }

        await ExecuteAsync(connection, "ALTER TABLE public.session_drafts ENABLE TRIGGER USER");
        await ExecuteAsync(connection, "ALTER TABLE public.hole_resolutions DISABLE TRIGGER USER");
        await using (var writer = await connection.BeginBinaryImportAsync(
            """
            COPY public.hole_resolutions (id, session_id, user_id, hole_id, resolution_value, confidence, created_at, resolved_at)
            FROM STDIN (FORMAT BINARY)
            """))
        {
            foreach (var user in users)
            {
                for (var h = 1; h <= HolesInNewest; h++)
                {
                    await writer.StartRowAsync();
                    await writer.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                    await writer.WriteAsync(user.Sessions[^1], NpgsqlDbType.Uuid);
                    await writer.WriteAsync(user.Id, NpgsqlDbType.Uuid);
                    await writer.WriteAsync($"?h{h}", NpgsqlDbType.Varchar);
                    await writer.WriteAsync("""{"type":"date","format":"iso"}""", NpgsqlDbType.Jsonb);
                    await writer.WriteAsync(0.25 * h, NpgsqlDbType.Double);
                    await writer.WriteAsync(start, NpgsqlDbType.TimestampTz);
                    await writer.WriteAsync(start, NpgsqlDbType.TimestampTz);
                }
            }

            await writer.CompleteAsync();
        }

        await ExecuteAsync(connection, "ALTER TABLE public.hole_resolutions ENABLE TRIGGER USER");

        await using (var writer = await connection.BeginBinaryImportAsync(
            """
            COPY public.conversations (id, user_id, title, metadata, last_sequence, message_count, last_message_at, created_at, updated_at)
            FROM STDIN (FORMAT BINARY)
            """))
        {
            for (var c = 0; c < scale.SessionsPerUser; c++)
            {
                foreach (var user in users)
                {
                    var created = start.AddMinutes(c).AddTicks(user.Id.GetHashCode() & 0xFFFF);
                    var id = Guid.CreateVersion7(created);
                    user.Conversations[c] = id;
                    await writer.StartRowAsync();
                    await writer.WriteAsync(id, NpgsqlDbType.Uuid);
                    await writer.WriteAsync(user.Id, NpgsqlDbType.Uuid);
                    await writer.WriteAsync($"conversation {c}", NpgsqlDbType.Varchar);
                    await writer.WriteAsync("{}", NpgsqlDbType.Jsonb);
                    await writer.WriteAsync(scale.MessagesPerConversation, NpgsqlDbType.Integer);
                    await writer.WriteAsync(scale.MessagesPerConversation, NpgsqlDbType.Integer);
                    await writer.WriteAsync(created, NpgsqlDbType.TimestampTz);
                    await writer.WriteAsync(created, NpgsqlDbType.TimestampTz);
                    await writer.WriteAsync(created, NpgsqlDbType.TimestampTz);
                }
            }

            await writer.CompleteAsync();
        }

        await ExecuteAsync(connection, "ALTER TABLE public.messages DISABLE TRIGGER USER");
        string[] roles = ["user", "assistant"];
        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY public.messages (id, conversation_id, user_id, sequence, role, content, token_count, created_at) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var user in users)
            {
                foreach (var conversationId in user.Conversations)
                {
                    for (var m = 1; m <= scale.MessagesPerConversation; m++)
                    {
                        await writer.StartRowAsync();
                        await writer.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                        await writer.WriteAsync(conversationId, NpgsqlDbType.Uuid);
                        await writer.WriteAsync(user.Id, NpgsqlDbType.Uuid);
                        await writer.WriteAsync(m, NpgsqlDbType.Integer);
                        await writer.WriteAsync(roles[m % 2], "public.message_role");
                        await writer.WriteAsync("a benchmark message of ordinary length, a sentence or two of chat", NpgsqlDbType.Text);
                        await writer.WriteAsync(16, NpgsqlDbType.Integer);
                        await writer.WriteAsync(start, NpgsqlDbType.TimestampTz);
                    }
                }
            }

            await writer.CompleteAsync();
        }

        await ExecuteAsync(connection, "ALTER TABLE public.messages ENABLE TRIGGER USER");
        await ExecuteAsync(connection, "VACUUM ANALYZE");

        Console.WriteLine($"loaded {scale.Describe()} with COPY in {watch.Elapsed.TotalSeconds:N1} s");
        return users;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }
}
