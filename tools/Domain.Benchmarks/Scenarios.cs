using System.Data;
using BenchmarkDotNet.Attributes;
using Dapper;
using Domain.Persistence;
using Domain.Conversations;
using Domain.Persistence.Sessions;
using Domain.Persistence.Rls;
using Domain.Sessions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;
using NpgsqlTypes;

namespace Domain.Benchmarks;

/// <summary>A session row as raw Npgsql and Dapper read it.</summary>
public sealed record SessionRow(
    Guid Id, Guid UserId, string Title, string? Description, string Status, string? CurrentIr, string Metadata, int LastRevisionNumber,
    int RevisionCount, int DraftCount, int HoleCount, DateTime CreatedAt, DateTime UpdatedAt);

public sealed record RevisionRow(Guid Id, int RevisionNumber, string Ir, string? ChangeSummary, DateTime CreatedAt);

public sealed record DraftRow(Guid Id, int RevisionNumber, string Code, string Language, bool IsValid, string? ValidationDetails, DateTime CreatedAt);

public sealed record HoleRow(Guid Id, string HoleId, string ResolutionValue, double Confidence, DateTime CreatedAt, DateTime ResolvedAt);

public sealed record AggregateRows(SessionRow Session, List<RevisionRow> Revisions, List<DraftRow> Drafts, List<HoleRow> HoleResolutions);

public sealed record SummaryRow(Guid Id, Guid UserId, string Title, int RevisionCount, int DraftCount, int HoleCount, long ValidDraftCount);

/// <summary>
/// Each scenario is measured four ways: this project's EF path acting for a user (claims interceptor, RLS on), the
/// same EF query without the interceptor as the owner (RLS bypassed), raw Npgsql with a prepared command (the
/// baseline), and Dapper.
/// </summary>
public abstract class Scenario
{
    protected const string SessionColumns =
        "id, user_id, title, description, status::text AS status, current_ir::text AS current_ir, metadata::text AS metadata, "
        + "last_revision_number, revision_count, draft_count, hole_count, created_at, updated_at";

    /// <summary>The same model and Npgsql settings as the RLS path, without the claims interceptors, pooled the same way.</summary>
    private static readonly Lazy<PooledDbContextFactory<DomainDbContext>> NoInterceptor = new(() => new(
        new DbContextOptionsBuilder<DomainDbContext>().UseDomainModel(BenchmarkDatabase.Current.OwnerTunedConnectionString).Options));

    private int _next;

    protected static BenchmarkDatabase Db => BenchmarkDatabase.Current;

    /// <summary>Walks through the users so that no scenario reads the same rows over and over.</summary>
    protected BenchUser NextUser()
    {
        var users = Db.Users;
        return users[Interlocked.Increment(ref _next) % users.Count];
    }

    protected static DomainDbContext ForUser(Guid userId) => Db.AppContexts.ForUser(userId);

    /// <summary>
    /// A context on the owner's connection without the claims interceptors. It acts as the service role as far as the
    /// data layer's own checks go (an anon context would be refused before sending anything); the database sees the
    /// owner, so RLS does not apply.
    /// </summary>
    protected static DomainDbContext WithoutInterceptor() => NoInterceptor.Value.CreateDbContext().ActFor(RlsClaims.Service);

    protected static async Task<NpgsqlCommand> PreparedAsync(NpgsqlConnection connection, string sql, params (NpgsqlDbType Type, object Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var (type, value) in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = type, Value = value });
        }

        await command.PrepareAsync();
        return command;
    }

    /// <summary>
    /// Raw Npgsql acting for a user the way the data layer does, for the <c>NpgsqlRls</c> variants: logged in as the
    /// application role, the claims statement EF sends (<see cref="ClaimsStatement.StatementSql"/>) and then
    /// <paramref name="sql"/>, in one prepared batch and so one implicit transaction. What is left between this and
    /// <c>EfRls</c> is EF's share; what lies between this and <c>Npgsql</c> is the price of the claims and the policies,
    /// which any client of this mechanism pays. The reader it returns is already past the claims statement's result.
    /// </summary>
    protected static Task<(NpgsqlBatch Batch, NpgsqlDataReader Reader)> ExecuteWithClaimsAsync(
        NpgsqlConnection connection, Guid userId, string sql, params (NpgsqlDbType Type, object Value)[] parameters)
        => ExecuteWithClaimsAsync(connection, RlsClaims.ForUser(userId), sql, parameters);

    /// <inheritdoc cref="ExecuteWithClaimsAsync(NpgsqlConnection, Guid, string, ValueTuple{NpgsqlDbType, object}[])"/>
    protected static async Task<(NpgsqlBatch Batch, NpgsqlDataReader Reader)> ExecuteWithClaimsAsync(
        NpgsqlConnection connection, RlsClaims claims, string sql, params (NpgsqlDbType Type, object Value)[] parameters)
    {
        var batch = new NpgsqlBatch(connection);
        var setClaims = new NpgsqlBatchCommand(ClaimsStatement.StatementSql);
        ClaimsStatement.AddParameters(setClaims.Parameters, claims);
        batch.BatchCommands.Add(setClaims);
        var query = new NpgsqlBatchCommand(sql);
        foreach (var (type, value) in parameters)
        {
            query.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = type, Value = value });
        }

        batch.BatchCommands.Add(query);
        await batch.PrepareAsync();
        var reader = await batch.ExecuteReaderAsync();
        await reader.NextResultAsync();
        return (batch, reader);
    }

    /// <summary>The same SQL for Dapper: positional <c>$1..$n</c> replaced by the given named parameters.</summary>
    protected static string Named(string sql, params string[] names)
    {
        for (var i = names.Length; i >= 1; i--)
        {
            sql = sql.Replace($"${i}", names[i - 1], StringComparison.Ordinal);
        }

        return sql;
    }

    protected static SessionRow ReadSession(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4),
        reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetString(6), reader.GetInt32(7), reader.GetInt32(8), reader.GetInt32(9),
        reader.GetInt32(10), reader.GetDateTime(11), reader.GetDateTime(12));
}

[BenchmarkCategory("read one session by id")]
public class ReadById : Scenario
{
    [Benchmark]
    public async Task<Session?> EfRls()
    {
        var user = NextUser();
        await using var db = ForUser(user.Id);
        return await db.FindSessionAsync(user.Sessions[^1]);
    }

    [Benchmark]
    public async Task<Session?> EfNoInterceptor()
    {
        var user = NextUser();
        await using var db = WithoutInterceptor();
        return await db.FindSessionAsync(user.Sessions[^1]);
    }

    [Benchmark(Baseline = true)]
    public async Task<SessionRow> Npgsql()
    {
        var user = NextUser();
        await using var connection = await Db.OwnerDataSource.OpenConnectionAsync();
        await using var command = await PreparedAsync(connection, $"SELECT {SessionColumns} FROM public.sessions WHERE id = $1", (NpgsqlDbType.Uuid, user.Sessions[^1]));
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return ReadSession(reader);
    }

    [Benchmark]
    public async Task<SessionRow> Dapper()
    {
        var user = NextUser();
        await using var connection = await Db.OwnerDataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<SessionRow>($"SELECT {SessionColumns} FROM public.sessions WHERE id = @id", new { id = user.Sessions[^1] });
    }

    [Benchmark]
    public async Task<SessionRow> NpgsqlRls()
    {
        var user = NextUser();
        await using var connection = await Db.AppDataSource.OpenConnectionAsync();
        var (batch, reader) = await ExecuteWithClaimsAsync(connection, user.Id, $"SELECT {SessionColumns} FROM public.sessions WHERE id = $1", (NpgsqlDbType.Uuid, user.Sessions[^1]));
        await using (batch)
        await using (reader)
        {
            return await reader.ReadAsync() ? ReadSession(reader) : throw new InvalidOperationException("RLS hid the user's own session.");
        }
    }
}

[BenchmarkCategory("list a page of 20 by keyset")]
public class KeysetPage : Scenario
{
    private const string PageSql =
        $"SELECT {SessionColumns} FROM public.sessions WHERE user_id = $1 AND (created_at, id) < ($2, $3) ORDER BY created_at DESC, id DESC LIMIT 20";

    [Benchmark]
    public async Task<List<Session>> EfRls()
    {
        var user = NextUser();
        var cursor = await CursorAsync(user.Sessions);
        await using var db = ForUser(user.Id);
        return await db.SessionPageAsync(user.Id, 20, (new DateTimeOffset(cursor.CreatedAt, TimeSpan.Zero), cursor.Id));
    }

    [Benchmark]
    public async Task<List<Session>> EfNoInterceptor()
    {
        var user = NextUser();
        var cursor = await CursorAsync(user.Sessions);
        await using var db = WithoutInterceptor();
        return await db.SessionPageAsync(user.Id, 20, (new DateTimeOffset(cursor.CreatedAt, TimeSpan.Zero), cursor.Id));
    }

    [Benchmark(Baseline = true)]
    public async Task<List<SessionRow>> Npgsql()
    {
        var user = NextUser();
        var (createdAt, id) = await CursorAsync(user.Sessions);
        await using var connection = await Db.OwnerDataSource.OpenConnectionAsync();
        await using var command = await PreparedAsync(connection, PageSql,
            (NpgsqlDbType.Uuid, user.Id), (NpgsqlDbType.TimestampTz, createdAt), (NpgsqlDbType.Uuid, id));
        await using var reader = await command.ExecuteReaderAsync();
        return await FullPageAsync(reader);
    }

    [Benchmark]
    public async Task<List<SessionRow>> Dapper()
    {
        var user = NextUser();
        var (createdAt, id) = await CursorAsync(user.Sessions);
        await using var connection = await Db.OwnerDataSource.OpenConnectionAsync();
        return [.. await connection.QueryAsync<SessionRow>(Named(PageSql, "@user", "@createdAt", "@id"), new { user = user.Id, createdAt, id })];
    }

    [Benchmark]
    public async Task<List<SessionRow>> NpgsqlRls()
    {
        var user = NextUser();
        var (createdAt, id) = await CursorAsync(user.Sessions);
        await using var connection = await Db.AppDataSource.OpenConnectionAsync();
        var (batch, reader) = await ExecuteWithClaimsAsync(connection, user.Id, PageSql,
            (NpgsqlDbType.Uuid, user.Id), (NpgsqlDbType.TimestampTz, createdAt), (NpgsqlDbType.Uuid, id));
        await using (batch)
        await using (reader)
        {
            return await FullPageAsync(reader);
        }
    }

    /// <summary>Reads the page; one that is not full measured something other than a page of 20, so it fails.</summary>
    private static async Task<List<SessionRow>> FullPageAsync(NpgsqlDataReader reader)
    {
        var page = new List<SessionRow>(20);
        while (await reader.ReadAsync())
        {
            page.Add(ReadSession(reader));
        }

        return page.Count == 20 ? page : throw new InvalidOperationException($"The page held {page.Count} rows, not 20.");
    }

    private static Dictionary<Guid, DateTime>? _createdAt;

    /// <summary>The keyset cursor: the last row of a user's first page (their 20th newest session), so the page read is the second.</summary>
    private static async Task<(DateTime CreatedAt, Guid Id)> CursorAsync(Guid[] sessions)
    {
        if (sessions.Length < 40)
        {
            throw new InvalidOperationException($"The keyset page needs at least 40 sessions a user for a full second page; this scale has {sessions.Length}.");
        }

        var id = sessions[^20];
        if (_createdAt is null)
        {
            await using var connection = await Db.OwnerDataSource.OpenConnectionAsync();
            _createdAt = (await connection.QueryAsync<(Guid, DateTime)>("SELECT id, created_at FROM public.sessions")).ToDictionary(r => r.Item1, r => r.Item2);
        }

        return (_createdAt[id], id);
    }
}

[BenchmarkCategory("load a session with revisions, drafts and holes")]
public class LoadAggregate : Scenario
{
    private const string RevisionsSql =
        "SELECT id, revision_number, ir::text AS ir, change_summary, created_at FROM public.session_revisions WHERE session_id = $1 ORDER BY revision_number";

    private const string DraftsSql = "SELECT id, revision_number, code, language, is_valid, validation_details::text AS validation_details, created_at "
        + "FROM public.session_drafts WHERE session_id = $1 ORDER BY created_at, id";

    private const string HolesSql = "SELECT id, hole_id, resolution_value::text AS resolution_value, confidence, created_at, resolved_at "
        + "FROM public.hole_resolutions WHERE session_id = $1 ORDER BY hole_id";

    /// <summary>The store's read (<c>SessionStore.GetAsync</c>): the snapshot, one statement and one round trip.</summary>
    [Benchmark]
    public async Task<SessionSnapshot?> EfRls()
    {
        var user = NextUser();
        await using var db = ForUser(user.Id);
        return await db.LoadSessionSnapshotAsync(user.Sessions[^1]);
    }

    /// <summary>The aggregate as entities through EF's split query: a round trip per collection.</summary>
    [Benchmark]
    public async Task<Session?> EfRlsEntities()
    {
        var user = NextUser();
        await using var db = ForUser(user.Id);
        return await db.LoadSessionAggregateAsync(user.Sessions[^1]);
    }

    [Benchmark]
    public async Task<SessionSnapshot?> EfNoInterceptor()
    {
        var user = NextUser();
        await using var db = WithoutInterceptor();
        return await db.LoadSessionSnapshotAsync(user.Sessions[^1]);
    }

    /// <summary>Four prepared statements in one batch and one round trip, every column read into records.</summary>
    [Benchmark(Baseline = true)]
    public async Task<AggregateRows> Npgsql()
    {
        var id = NextUser().Sessions[^1];
        await using var connection = await Db.OwnerDataSource.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand($"SELECT {SessionColumns} FROM public.sessions WHERE id = $1") { Parameters = { new() { Value = id } } },
                new NpgsqlBatchCommand(RevisionsSql) { Parameters = { new() { Value = id } } },
                new NpgsqlBatchCommand(DraftsSql) { Parameters = { new() { Value = id } } },
                new NpgsqlBatchCommand(HolesSql) { Parameters = { new() { Value = id } } },
            },
        };
        await batch.PrepareAsync();
        await using var reader = await batch.ExecuteReaderAsync();
        await reader.ReadAsync();
        var session = ReadSession(reader);
        var revisions = new List<RevisionRow>();
        await reader.NextResultAsync();
        while (await reader.ReadAsync())
        {
            revisions.Add(new RevisionRow(reader.GetGuid(0), reader.GetInt32(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetDateTime(4)));
        }

        var drafts = new List<DraftRow>();
        await reader.NextResultAsync();
        while (await reader.ReadAsync())
        {
            drafts.Add(new DraftRow(reader.GetGuid(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3), reader.GetBoolean(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetDateTime(6)));
        }

        var holes = new List<HoleRow>();
        await reader.NextResultAsync();
        while (await reader.ReadAsync())
        {
            holes.Add(new HoleRow(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetDouble(3), reader.GetDateTime(4), reader.GetDateTime(5)));
        }

        return new AggregateRows(session, revisions, drafts, holes);
    }

    [Benchmark]
    public async Task<AggregateRows> Dapper()
    {
        var id = NextUser().Sessions[^1];
        await using var connection = await Db.OwnerDataSource.OpenConnectionAsync();
        await using var grid = await connection.QueryMultipleAsync(
            $"""
            SELECT {SessionColumns} FROM public.sessions WHERE id = @id;
            {Named(RevisionsSql, "@id")};
            {Named(DraftsSql, "@id")};
            {Named(HolesSql, "@id")};
            """, new { id });
        return new AggregateRows(
            await grid.ReadSingleAsync<SessionRow>(), [.. await grid.ReadAsync<RevisionRow>()], [.. await grid.ReadAsync<DraftRow>()], [.. await grid.ReadAsync<HoleRow>()]);
    }
}

/// <summary>
/// EfRls is the store's path (<see cref="SessionCommands.AppendRevisionAsync"/>: one statement, one round trip);
/// EfRlsThroughAggregate loads the session and saves it (four round trips), for comparison.
/// </summary>
[BenchmarkCategory("add one revision")]
public class AddRevision : Scenario
{
    private const string Ir = """{"goal":"benchmark","step":"next"}""";

    /// <summary>One round trip: take the session's next number and insert the revision in one statement.</summary>
    private const string AddSql = """
        WITH s AS (
            UPDATE public.sessions SET last_revision_number = last_revision_number + 1, current_ir = $2
             WHERE id = $1 AND status = 'active' RETURNING id, user_id, last_revision_number)
        INSERT INTO public.session_revisions (id, session_id, user_id, revision_number, ir, created_at)
        SELECT $3, s.id, s.user_id, s.last_revision_number, $2, now() FROM s
        RETURNING revision_number
        """;

    [Benchmark]
    public async Task<AppendedRevision?> EfRls()
    {
        var user = NextUser();
        await using var db = ForUser(user.Id);
        return await db.AppendRevisionAsync(user.Sessions[0], Ir, null, DateTimeOffset.UtcNow);
    }

    [Benchmark]
    public async Task EfRlsThroughAggregate()
    {
        var user = NextUser();
        await using var db = ForUser(user.Id);
        var session = await db.Sessions.SingleAsync(s => s.Id == user.Sessions[0]);
        session.AddRevision(Ir, null, DateTimeOffset.UtcNow);
        await db.SaveChangesAsync();
    }

    [Benchmark]
    public async Task<AppendedRevision?> EfNoInterceptor()
    {
        var user = NextUser();
        await using var db = WithoutInterceptor();
        return await db.AppendRevisionAsync(user.Sessions[0], Ir, null, DateTimeOffset.UtcNow);
    }

    [Benchmark(Baseline = true)]
    public async Task<object?> Npgsql()
    {
        var user = NextUser();
        await using var connection = await Db.OwnerDataSource.OpenConnectionAsync();
        await using var command = await PreparedAsync(connection, AddSql,
            (NpgsqlDbType.Uuid, user.Sessions[0]), (NpgsqlDbType.Jsonb, Ir), (NpgsqlDbType.Uuid, Guid.CreateVersion7()));
        return await command.ExecuteScalarAsync();
    }

    [Benchmark]
    public async Task<int> Dapper()
    {
        var user = NextUser();
        await using var connection = await Db.OwnerDataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<int>(
            Named(AddSql, "@session", "@ir::jsonb", "@id"),
            new { session = user.Sessions[0], ir = Ir, id = Guid.CreateVersion7() });
    }
}

[BenchmarkCategory("append 100 messages in one SaveChanges")]
public class AppendHundred : Scenario
{
    private const int Count = 100;
    private const string Content = "a benchmark message of ordinary length, a sentence or two of chat";

    [Benchmark]
    public async Task EfRls()
    {
        var user = NextUser();
        await using var db = ForUser(user.Id);
        await Append(db, user.Conversations[1]);
    }

    [Benchmark]
    public async Task EfNoInterceptor()
    {
        var user = NextUser();
        await using var db = WithoutInterceptor();
        await Append(db, user.Conversations[1]);
    }

    /// <summary>One statement: reserve 100 sequence numbers on the conversation and insert the messages.</summary>
    private const string AppendSql = """
        WITH c AS (
            UPDATE public.conversations SET last_sequence = last_sequence + $3
             WHERE id = $1 AND archived_at IS NULL RETURNING id, user_id, last_sequence)
        INSERT INTO public.messages (id, conversation_id, user_id, sequence, role, content, created_at)
        SELECT gen_random_uuid(), c.id, c.user_id, c.last_sequence - $3 + n, 'user', $2, now() FROM c, generate_series(1, $3) AS n
        """;

    [Benchmark(Baseline = true)]
    public async Task<int> Npgsql()
    {
        var user = NextUser();
        await using var connection = await Db.OwnerDataSource.OpenConnectionAsync();
        await using var command = await PreparedAsync(connection, AppendSql,
            (NpgsqlDbType.Uuid, user.Conversations[1]), (NpgsqlDbType.Text, Content), (NpgsqlDbType.Integer, Count));
        return await command.ExecuteNonQueryAsync();
    }

    [Benchmark]
    public async Task<int> Dapper()
    {
        var user = NextUser();
        await using var connection = await Db.OwnerDataSource.OpenConnectionAsync();
        return await connection.ExecuteAsync(
            Named(AppendSql, "@id", "@content", "@count"),
            new { id = user.Conversations[1], content = Content, count = Count });
    }

    private static async Task Append(DomainDbContext db, Guid conversationId)
    {
        var conversation = await db.Conversations.SingleAsync(c => c.Id == conversationId);
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < Count; i++)
        {
            conversation.AddMessage(MessageRole.User, Content, now);
        }

        await db.SaveChangesAsync();
    }
}

[BenchmarkCategory("summary view for one user")]
public class SummaryView : Scenario
{
    private const string Sql = "SELECT id, user_id, title, revision_count, draft_count, hole_count, valid_draft_count FROM public.session_summary WHERE user_id = ";

    [Benchmark]
    public async Task<List<SummaryRow>> EfRls()
    {
        var user = NextUser().Id;
        await using var db = ForUser(user);
        return await db.Database.SqlQuery<SummaryRow>($"SELECT id, user_id, title, revision_count, draft_count, hole_count, valid_draft_count FROM public.session_summary WHERE user_id = {user}").ToListAsync();
    }

    [Benchmark]
    public async Task<List<SummaryRow>> EfNoInterceptor()
    {
        var user = NextUser().Id;
        await using var db = WithoutInterceptor();
        return await db.Database.SqlQuery<SummaryRow>($"SELECT id, user_id, title, revision_count, draft_count, hole_count, valid_draft_count FROM public.session_summary WHERE user_id = {user}").ToListAsync();
    }

    [Benchmark(Baseline = true)]
    public async Task<List<SummaryRow>> Npgsql()
    {
        var user = NextUser().Id;
        await using var connection = await Db.OwnerDataSource.OpenConnectionAsync();
        await using var command = await PreparedAsync(connection, Sql + "$1", (NpgsqlDbType.Uuid, user));
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<SummaryRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new SummaryRow(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetInt32(3), reader.GetInt32(4), reader.GetInt32(5), reader.GetInt64(6)));
        }

        return rows;
    }

    [Benchmark]
    public async Task<List<SummaryRow>> Dapper()
    {
        var user = NextUser().Id;
        await using var connection = await Db.OwnerDataSource.OpenConnectionAsync();
        return [.. await connection.QueryAsync<SummaryRow>(Sql + "@user", new { user })];
    }
}

/// <summary>
/// Usage ingest into <c>usage_logs</c>, 10,000 rows per operation: binary COPY and Dapper as the owner, EF
/// <c>AddRange</c> as the service role (the identity the backend records usage with; users cannot write usage).
/// </summary>
[BenchmarkCategory("ingest 10,000 usage rows")]
public class Ingest : Scenario
{
    public const int Rows = 10_000;

    [Benchmark(Baseline = true)]
    public async Task<ulong> BinaryCopy()
    {
        var user = NextUser().Id;
        await using var connection = await Db.OwnerDataSource.OpenConnectionAsync();
        await using var writer = await connection.BeginBinaryImportAsync(
            $"COPY public.usage_logs ({IngestThroughRecorder.Columns}) FROM STDIN (FORMAT BINARY)");
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < Rows; i++)
        {
            await writer.StartRowAsync();
            await writer.WriteAsync(Guid.CreateVersion7(now), NpgsqlDbType.Uuid);
            await writer.WriteAsync(user, NpgsqlDbType.Uuid);
            await writer.WriteAsync("openai", NpgsqlDbType.Varchar);
            await writer.WriteAsync("chat.completion", NpgsqlDbType.Varchar);
            await writer.WriteAsync("model-x", NpgsqlDbType.Varchar);
            await writer.WriteAsync(i % 4000, NpgsqlDbType.Integer);
            await writer.WriteAsync(i % 700, NpgsqlDbType.Integer);
            await writer.WriteAsync(0.000125m * (i % 97), NpgsqlDbType.Numeric);
            await writer.WriteAsync(now, NpgsqlDbType.TimestampTz);
        }

        return await writer.CompleteAsync();
    }

    [Benchmark]
    public async Task<int> EfAddRangeServiceRole()
    {
        var records = IngestThroughRecorder.NewRecords(NextUser().Id);
        await using var db = Db.AppContexts.AsServiceRole();
        db.UsageLogs.AddRange(records);
        return await db.SaveChangesAsync();
    }

    [Benchmark]
    public async Task<int> DapperMultiRow()
    {
        var user = NextUser().Id;
        await using var connection = await Db.OwnerDataSource.OpenConnectionAsync();
        var now = DateTimeOffset.UtcNow;
        var ids = new Guid[Rows];
        var input = new int[Rows];
        var output = new int[Rows];
        var cost = new decimal[Rows];
        for (var i = 0; i < Rows; i++)
        {
            ids[i] = Guid.CreateVersion7(now);
            input[i] = i % 4000;
            output[i] = i % 700;
            cost[i] = 0.000125m * (i % 97);
        }

        return await connection.ExecuteAsync(
            $"""
            INSERT INTO public.usage_logs ({IngestThroughRecorder.Columns})
            SELECT i, @user, 'openai', 'chat.completion', 'model-x', t.input, t.output, t.cost, @now
              FROM unnest(@ids, @input, @output, @cost) AS t(i, input, output, cost)
            """,
            new { user, now, ids, input, output, cost });
    }
}
