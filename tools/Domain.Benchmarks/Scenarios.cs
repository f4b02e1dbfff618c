using System.Data;
using BenchmarkDotNet.Attributes;
using Dapper;
using Domain.Persistence;
using Domain.Persistence.Rls;
using Domain.Sessions;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Domain.Benchmarks;

/// <summary>A session row as raw Npgsql and Dapper read it.</summary>
public sealed record SessionRow(
    Guid Id, Guid UserId, string Title, string? Description, string Status, string? CurrentIr, string Metadata, int LastRevisionNumber,
    int RevisionCount, int DraftCount, int HoleCount, DateTime CreatedAt, DateTime UpdatedAt);

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

    private static readonly Lazy<DbContextOptions<DomainDbContext>> NoInterceptorOptions = new(() =>
        new DbContextOptionsBuilder<DomainDbContext>()
            .UseNpgsql(BenchmarkDatabase.Current.OwnerEfConnectionString, o => o.MapEnum<SessionStatus>("session_status", "public"))
            .UseSnakeCaseNamingConvention()
            .Options);

    private int _next;

    protected static BenchmarkDatabase Db => BenchmarkDatabase.Current;

    /// <summary>Walks through the users so that no scenario reads the same rows over and over.</summary>
    protected (Guid UserId, Guid[] Sessions) NextUser()
    {
        var users = Db.Users;
        return users[Interlocked.Increment(ref _next) % users.Count];
    }

    protected static DomainDbContext ForUser(Guid userId) => Db.AppContexts.ForUser(userId);

    protected static DomainDbContext WithoutInterceptor() => new(NoInterceptorOptions.Value, RlsClaims.Service);

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
    public async Task<Session> EfRls()
    {
        var (user, sessions) = NextUser();
        await using var db = ForUser(user);
        var id = sessions[^1];
        return await db.Sessions.AsNoTracking().SingleAsync(s => s.Id == id);
    }

    [Benchmark]
    public async Task<Session> EfNoInterceptor()
    {
        var (_, sessions) = NextUser();
        await using var db = WithoutInterceptor();
        var id = sessions[^1];
        return await db.Sessions.AsNoTracking().SingleAsync(s => s.Id == id);
    }

    [Benchmark(Baseline = true)]
    public async Task<SessionRow> Npgsql()
    {
        var (_, sessions) = NextUser();
        await using var connection = await Db.OwnerDataSource.OpenConnectionAsync();
        await using var command = await PreparedAsync(connection, $"SELECT {SessionColumns} FROM public.sessions WHERE id = $1", (NpgsqlDbType.Uuid, sessions[^1]));
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return ReadSession(reader);
    }

    [Benchmark]
    public async Task<SessionRow> Dapper()
    {
        var (_, sessions) = NextUser();
        await using var connection = await Db.OwnerDataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<SessionRow>($"SELECT {SessionColumns} FROM public.sessions WHERE id = @id", new { id = sessions[^1] });
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
        var (user, sessions) = NextUser();
        await using var db = ForUser(user);
        return await Page(db, user, sessions);
    }

    [Benchmark]
    public async Task<List<Session>> EfNoInterceptor()
    {
        var (user, sessions) = NextUser();
        await using var db = WithoutInterceptor();
        return await Page(db, user, sessions);
    }

    [Benchmark(Baseline = true)]
    public async Task<List<SessionRow>> Npgsql()
    {
        var (user, sessions) = NextUser();
        var (createdAt, id) = await CursorAsync(sessions);
        await using var connection = await Db.OwnerDataSource.OpenConnectionAsync();
        await using var command = await PreparedAsync(connection, PageSql,
            (NpgsqlDbType.Uuid, user), (NpgsqlDbType.TimestampTz, createdAt), (NpgsqlDbType.Uuid, id));
        await using var reader = await command.ExecuteReaderAsync();
        var page = new List<SessionRow>(20);
        while (await reader.ReadAsync())
        {
            page.Add(ReadSession(reader));
        }

        return page;
    }

    [Benchmark]
    public async Task<List<SessionRow>> Dapper()
    {
        var (user, sessions) = NextUser();
        var (createdAt, id) = await CursorAsync(sessions);
        await using var connection = await Db.OwnerDataSource.OpenConnectionAsync();
        return [.. await connection.QueryAsync<SessionRow>(
            $"SELECT {SessionColumns} FROM public.sessions WHERE user_id = @user AND (created_at, id) < (@createdAt, @id) ORDER BY created_at DESC, id DESC LIMIT 20",
            new { user, createdAt, id })];
    }

    private static Dictionary<Guid, DateTime>? _createdAt;

    /// <summary>The keyset cursor: the newest session but 20, so a full page follows it.</summary>
    private static async Task<(DateTime CreatedAt, Guid Id)> CursorAsync(Guid[] sessions)
    {
        var id = sessions[^Math.Min(20, sessions.Length)];
        if (_createdAt is null)
        {
            await using var connection = await Db.OwnerDataSource.OpenConnectionAsync();
            _createdAt = (await connection.QueryAsync<(Guid, DateTime)>("SELECT id, created_at FROM public.sessions")).ToDictionary(r => r.Item1, r => r.Item2);
        }

        return (_createdAt[id], id);
    }

    private static async Task<List<Session>> Page(DomainDbContext db, Guid user, Guid[] sessions)
    {
        var (createdAt, id) = await CursorAsync(sessions);
        var cursor = new DateTimeOffset(createdAt, TimeSpan.Zero);
        return await db.Sessions.AsNoTracking()
            .Where(s => s.UserId == user && (s.CreatedAt < cursor || (s.CreatedAt == cursor && s.Id.CompareTo(id) < 0)))
            .OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id)
            .Take(20)
            .ToListAsync();
    }
}

[BenchmarkCategory("load a session with revisions, drafts and holes")]
public class LoadAggregate : Scenario
{
    [Benchmark]
    public async Task<Session> EfRls()
    {
        var (user, sessions) = NextUser();
        await using var db = ForUser(user);
        return await Load(db, sessions[^1]);
    }

    [Benchmark]
    public async Task<Session> EfNoInterceptor()
    {
        var (_, sessions) = NextUser();
        await using var db = WithoutInterceptor();
        return await Load(db, sessions[^1]);
    }

    [Benchmark(Baseline = true)]
    public async Task<int> Npgsql()
    {
        var (_, sessions) = NextUser();
        await using var connection = await Db.OwnerDataSource.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand($"SELECT {SessionColumns} FROM public.sessions WHERE id = $1") { Parameters = { new() { Value = sessions[^1] } } },
                new NpgsqlBatchCommand("SELECT id, revision_number, ir::text FROM public.session_revisions WHERE session_id = $1 ORDER BY revision_number")
                {
                    Parameters = { new() { Value = sessions[^1] } },
                },
                new NpgsqlBatchCommand("SELECT id, code, language, is_valid FROM public.session_drafts WHERE session_id = $1") { Parameters = { new() { Value = sessions[^1] } } },
                new NpgsqlBatchCommand("SELECT id, hole_id, confidence FROM public.hole_resolutions WHERE session_id = $1") { Parameters = { new() { Value = sessions[^1] } } },
            },
        };
        await batch.PrepareAsync();
        await using var reader = await batch.ExecuteReaderAsync();
        var rows = 0;
        do
        {
            while (await reader.ReadAsync())
            {
                rows++;
            }
        }
        while (await reader.NextResultAsync());

        return rows;
    }

    [Benchmark]
    public async Task<int> Dapper()
    {
        var (_, sessions) = NextUser();
        await using var connection = await Db.OwnerDataSource.OpenConnectionAsync();
        await using var grid = await connection.QueryMultipleAsync(
            $"""
            SELECT {SessionColumns} FROM public.sessions WHERE id = @id;
            SELECT id, revision_number, ir::text AS ir FROM public.session_revisions WHERE session_id = @id ORDER BY revision_number;
            SELECT id, code, language, is_valid FROM public.session_drafts WHERE session_id = @id;
            SELECT id, hole_id, confidence FROM public.hole_resolutions WHERE session_id = @id;
            """, new { id = sessions[^1] });
        var session = await grid.ReadSingleAsync<SessionRow>();
        return session.RevisionCount + (await grid.ReadAsync()).Count() + (await grid.ReadAsync()).Count() + (await grid.ReadAsync()).Count();
    }

    private static Task<Session> Load(DomainDbContext db, Guid id) => db.Sessions.AsNoTracking().AsSplitQuery()
        .Include(s => s.Revisions).Include(s => s.Drafts).Include(s => s.HoleResolutions)
        .SingleAsync(s => s.Id == id);
}

[BenchmarkCategory("add one revision")]
public class AddRevision : Scenario
{
    private const string Ir = """{"goal":"benchmark","step":"next"}""";

    /// <summary>One round trip: bump the session's revision number and insert the revision in one statement.</summary>
    private const string AddSql = """
        WITH s AS (
            UPDATE public.sessions SET last_revision_number = last_revision_number + 1, current_ir = $2
             WHERE id = $1 RETURNING id, user_id, last_revision_number)
        INSERT INTO public.session_revisions (id, session_id, user_id, revision_number, ir, created_at)
        SELECT $3, s.id, s.user_id, s.last_revision_number, $2, now() FROM s
        """;

    [Benchmark]
    public async Task EfRls()
    {
        var (user, sessions) = NextUser();
        await using var db = ForUser(user);
        await Add(db, sessions[0]);
    }

    [Benchmark]
    public async Task EfNoInterceptor()
    {
        var (_, sessions) = NextUser();
        await using var db = WithoutInterceptor();
        await Add(db, sessions[0]);
    }

    [Benchmark(Baseline = true)]
    public async Task<int> Npgsql()
    {
        var (_, sessions) = NextUser();
        await using var connection = await Db.OwnerDataSource.OpenConnectionAsync();
        await using var command = await PreparedAsync(connection, AddSql,
            (NpgsqlDbType.Uuid, sessions[0]), (NpgsqlDbType.Jsonb, Ir), (NpgsqlDbType.Uuid, Guid.CreateVersion7()));
        return await command.ExecuteNonQueryAsync();
    }

    [Benchmark]
    public async Task<int> Dapper()
    {
        var (_, sessions) = NextUser();
        await using var connection = await Db.OwnerDataSource.OpenConnectionAsync();
        return await connection.ExecuteAsync(
            Named(AddSql, "@session", "@ir::jsonb", "@id"),
            new { session = sessions[0], ir = Ir, id = Guid.CreateVersion7() });
    }

    private static async Task Add(DomainDbContext db, Guid sessionId)
    {
        var session = await db.Sessions.SingleAsync(s => s.Id == sessionId);
        session.AddRevision(Ir, null, DateTimeOffset.UtcNow);
        await db.SaveChangesAsync();
    }
}

[BenchmarkCategory("append 100 revisions in one SaveChanges")]
public class AppendHundred : Scenario
{
    private const int Count = 100;
    private const string Ir = """{"goal":"append"}""";

    [Benchmark]
    public async Task EfRls()
    {
        var (user, sessions) = NextUser();
        await using var db = ForUser(user);
        await Append(db, sessions[1]);
    }

    [Benchmark]
    public async Task EfNoInterceptor()
    {
        var (_, sessions) = NextUser();
        await using var db = WithoutInterceptor();
        await Append(db, sessions[1]);
    }

    /// <summary>One statement: reserve 100 numbers on the session and insert the revisions.</summary>
    private const string AppendSql = """
        WITH s AS (
            UPDATE public.sessions SET last_revision_number = last_revision_number + $3, current_ir = $2
             WHERE id = $1 RETURNING id, user_id, last_revision_number)
        INSERT INTO public.session_revisions (id, session_id, user_id, revision_number, ir, created_at)
        SELECT gen_random_uuid(), s.id, s.user_id, s.last_revision_number - $3 + n, $2, now() FROM s, generate_series(1, $3) AS n
        """;

    [Benchmark(Baseline = true)]
    public async Task<int> Npgsql()
    {
        var (_, sessions) = NextUser();
        await using var connection = await Db.OwnerDataSource.OpenConnectionAsync();
        await using var command = await PreparedAsync(connection, AppendSql,
            (NpgsqlDbType.Uuid, sessions[1]), (NpgsqlDbType.Jsonb, Ir), (NpgsqlDbType.Integer, Count));
        return await command.ExecuteNonQueryAsync();
    }

    [Benchmark]
    public async Task<int> Dapper()
    {
        var (_, sessions) = NextUser();
        await using var connection = await Db.OwnerDataSource.OpenConnectionAsync();
        return await connection.ExecuteAsync(
            Named(AppendSql, "@id", "@ir::jsonb", "@count"),
            new { id = sessions[1], ir = Ir, count = Count });
    }

    private static async Task Append(DomainDbContext db, Guid sessionId)
    {
        var session = await db.Sessions.SingleAsync(s => s.Id == sessionId);
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < Count; i++)
        {
            session.AddRevision(Ir, null, now);
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
        var (user, _) = NextUser();
        await using var db = ForUser(user);
        return await db.Database.SqlQuery<SummaryRow>($"SELECT id, user_id, title, revision_count, draft_count, hole_count, valid_draft_count FROM public.session_summary WHERE user_id = {user}").ToListAsync();
    }

    [Benchmark]
    public async Task<List<SummaryRow>> EfNoInterceptor()
    {
        var (user, _) = NextUser();
        await using var db = WithoutInterceptor();
        return await db.Database.SqlQuery<SummaryRow>($"SELECT id, user_id, title, revision_count, draft_count, hole_count, valid_draft_count FROM public.session_summary WHERE user_id = {user}").ToListAsync();
    }

    [Benchmark(Baseline = true)]
    public async Task<List<SummaryRow>> Npgsql()
    {
        var (user, _) = NextUser();
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
        var (user, _) = NextUser();
        await using var connection = await Db.OwnerDataSource.OpenConnectionAsync();
        return [.. await connection.QueryAsync<SummaryRow>(Sql + "@user", new { user })];
    }
}

/// <summary>Usage ingest, until usage_logs exists: 10,000 revisions into session_revisions per operation.</summary>
[BenchmarkCategory("ingest 10,000 rows")]
public class Ingest : Scenario
{
    public const int Rows = 10_000;
    private const string Ir = """{"usage":1}""";

    [Benchmark(Baseline = true)]
    public async Task<ulong> BinaryCopy()
    {
        var (user, sessions) = NextUser();
        await using var connection = await Db.OwnerDataSource.OpenConnectionAsync();
        var first = await NextNumbersAsync(connection, sessions[2]);
        await using var writer = await connection.BeginBinaryImportAsync(
            "COPY public.session_revisions (id, session_id, user_id, revision_number, ir, created_at) FROM STDIN (FORMAT BINARY)");
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < Rows; i++)
        {
            await writer.StartRowAsync();
            await writer.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
            await writer.WriteAsync(sessions[2], NpgsqlDbType.Uuid);
            await writer.WriteAsync(user, NpgsqlDbType.Uuid);
            await writer.WriteAsync(first + i, NpgsqlDbType.Integer);
            await writer.WriteAsync(Ir, NpgsqlDbType.Jsonb);
            await writer.WriteAsync(now, NpgsqlDbType.TimestampTz);
        }

        return await writer.CompleteAsync();
    }

    [Benchmark]
    public async Task<int> EfAddRangeRls()
    {
        var (user, sessions) = NextUser();
        await using var db = ForUser(user);
        var session = await db.Sessions.SingleAsync(s => s.Id == sessions[2]);
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < Rows; i++)
        {
            session.AddRevision(Ir, null, now);
        }

        return await db.SaveChangesAsync();
    }

    [Benchmark]
    public async Task<int> DapperMultiRow()
    {
        var (user, sessions) = NextUser();
        await using var connection = await Db.OwnerDataSource.OpenConnectionAsync();
        var first = await NextNumbersAsync(connection, sessions[2]);
        var ids = new Guid[Rows];
        var numbers = new int[Rows];
        for (var i = 0; i < Rows; i++)
        {
            ids[i] = Guid.CreateVersion7();
            numbers[i] = first + i;
        }

        return await connection.ExecuteAsync(
            """
            INSERT INTO public.session_revisions (id, session_id, user_id, revision_number, ir, created_at)
            SELECT i, @session, @user, n, @ir::jsonb, now() FROM unnest(@ids, @numbers) AS t(i, n)
            """,
            new { session = sessions[2], user, ir = Ir, ids, numbers });
    }

    /// <summary>Reserves <see cref="Rows"/> revision numbers on the session and returns the first.</summary>
    private static async Task<int> NextNumbersAsync(NpgsqlConnection connection, Guid sessionId)
    {
        await using var command = new NpgsqlCommand(
            "UPDATE public.sessions SET last_revision_number = last_revision_number + $2 WHERE id = $1 RETURNING last_revision_number - $2 + 1", connection)
        {
            Parameters = { new() { Value = sessionId }, new() { Value = Rows } },
        };
        return (int)(await command.ExecuteScalarAsync())!;
    }
}
