using System.Globalization;
using System.Security.Cryptography;
using Domain.DevDatabase;
using Domain.Persistence;
using Npgsql;

namespace Domain.IntegrationTests.Infrastructure;

/// <summary>
/// A migrated database of its own for the plan tests, loaded once as the owner with COPY: <see cref="Users"/> users
/// (each with the profile the database makes) with <see cref="RowsPerUser"/> rows each in every table that has an
/// owner (one prompt their performance records name; the audit trail gets an entry for each session and conversation),
/// then analysed, so the planner sees what a populated database looks like (many users, a few rows each). Never reset:
/// the tests only read, or roll back.
/// </summary>
public sealed class PlannedDatabase : IAsyncLifetime
{
    public const int Users = 200;

    public const int RowsPerUser = 25;

    /// <summary>Every fifth session of a user is finalized, the rest active.</summary>
    public const int ActiveSessionsPerUser = RowsPerUser - (RowsPerUser / 5);

    private string _name = null!;

    public TestServer Server { get; private set; } = null!;

    public string AdminConnectionString { get; private set; } = null!;

    public string AppConnectionString { get; private set; } = null!;

    public DomainDbContextFactory Contexts { get; private set; } = null!;

    /// <summary>The users, in the order they were created; each owns <see cref="RowsPerUser"/> rows of every table.</summary>
    public IReadOnlyList<Guid> UserIds { get; private set; } = [];

    /// <summary>One session of each user (their newest).</summary>
    public IReadOnlyDictionary<Guid, Guid> NewestSession { get; private set; } = new Dictionary<Guid, Guid>();

    public async Task InitializeAsync()
    {
        Server = await TestServer.InstanceAsync();
        _name = TestServer.UniqueDatabaseName("domain_plans");
        await using var provisioned = await DatabaseProvisioner.ProvisionAsync(Server.Server, new ProvisionOptions { Database = _name });
        AdminConnectionString = provisioned.OwnerConnectionString;
        AppConnectionString = Server.AppConnectionTo(_name);
        Contexts = new DomainDbContextFactory(DomainDbContextOptions.Create(AppConnectionString));
        await LoadAsync();
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_name is not null)
        {
            await Server.DropDatabaseAsync(_name);
        }
    }

    private async Task LoadAsync()
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var users = Enumerable.Range(0, Users).Select(u => Guid.CreateVersion7(start.AddSeconds(u))).ToList();
        var rows = users
            .SelectMany(user => Enumerable.Range(0, RowsPerUser).Select(i => (User: user, Index: i, At: start.AddMinutes(i).AddSeconds(users.IndexOf(user)))))
            .Select(r => (r.User, r.Index, r.At, Session: Guid.CreateVersion7(r.At), Conversation: Guid.CreateVersion7(r.At), File: Guid.CreateVersion7(r.At)))
            .ToList();

        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await CopyAsync(connection, "auth.users (id, email)", users.Select(u => Line(u, $"{u:N}@plans.test")));
            await CopyAsync(
                connection,
                "public.sessions (id, user_id, title, status, last_revision_number, created_at, finalized_at)",
                rows.Select(r => r.Index % 5 == 0
                    ? Line(r.Session, r.User, $"session {r.Index}", "finalized", 1, r.At, r.At)
                    : Line(r.Session, r.User, $"session {r.Index}", "active", 1, r.At, null)));
            await CopyAsync(
                connection,
                "public.session_revisions (id, session_id, user_id, revision_number, ir, created_at)",
                rows.Select(r => Line(Guid.CreateVersion7(r.At), r.Session, r.User, 1, "{}", r.At)));
            await CopyAsync(
                connection,
                "public.session_drafts (id, session_id, user_id, revision_number, code, language, is_valid, created_at)",
                rows.Select(r => Line(Guid.CreateVersion7(r.At), r.Session, r.User, 1, "print(1)", "python", true, r.At)));
            await CopyAsync(
                connection,
                "public.hole_resolutions (id, session_id, user_id, hole_id, resolution_value, confidence, created_at, resolved_at)",
                rows.Select(r => Line(Guid.CreateVersion7(r.At), r.Session, r.User, "?h1", "1", 0.5, r.At, r.At)));
            await CopyAsync(
                connection,
                "public.conversations (id, user_id, title, last_sequence, created_at)",
                rows.Select(r => Line(r.Conversation, r.User, $"chat {r.Index}", 1, r.At)));
            await CopyAsync(
                connection,
                "public.messages (id, conversation_id, user_id, sequence, role, content, created_at)",
                rows.Select(r => Line(Guid.CreateVersion7(r.At), r.Conversation, r.User, 1, "user", "hello", r.At)));
            await CopyAsync(
                connection,
                "public.files (id, user_id, storage_path, original_name, mime_type, size_bytes, sha256, file_type, status, created_at)",
                rows.Select(r => Line(
                    r.File, r.User, $"user-files/{r.User}/{r.Index}.pdf", $"{r.Index}.pdf", "application/pdf", 1_000 + r.Index,
                    Convert.ToHexStringLower(SHA256.HashData(r.File.ToByteArray())), "document", "ready", r.At)));
            await CopyAsync(
                connection,
                "public.provider_file_uploads (id, file_id, user_id, provider, provider_file_id, status, created_at)",
                rows.Select(r => Line(Guid.CreateVersion7(r.At), r.File, r.User, "openai", $"file-{r.File:N}", "active", r.At)));
            await CopyAsync(
                connection,
                "public.conversation_files (conversation_id, file_id, user_id, attached_at)",
                rows.Select(r => Line(r.Conversation, r.File, r.User, r.At)));
            await CopyAsync(
                connection,
                "public.usage_logs (id, user_id, service, operation, model, input_tokens, output_tokens, cost_usd, occurred_at)",
                rows.Select(r => Line(Guid.CreateVersion7(r.At), r.User, "openai", "chat.completion", "m", 10, 2, 0.001m, r.At)));
            var (prompt, version) = (Guid.CreateVersion7(start), Guid.CreateVersion7(start));
            await CopyAsync(
                connection,
                "public.system_prompts (id, tool_name, provider, tier, last_version_number, active_version_number, activated_at)",
                [Line(prompt, "chat", "kimi", 0, 1, 1, start)]);
            await CopyAsync(
                connection,
                "public.prompt_versions (id, prompt_id, version_number, content, content_hash)",
                [Line(version, prompt, 1, "Be brief.", Domain.Prompts.PromptVersion.HashOf("Be brief."))]);
            await CopyAsync(
                connection,
                "public.prompt_performance (id, user_id, prompt_version_id, token_count, latency_ms, succeeded, occurred_at)",
                rows.Select(r => Line(Guid.CreateVersion7(r.At), r.User, version, 10, 200, true, r.At)));
            await CopyAsync(
                connection,
                "public.api_keys (id, user_id, name, prefix, key_hash, scopes, created_at)",
                rows.Select(r => Line(Guid.CreateVersion7(r.At), r.User, $"key {r.Index}", "dk_abcdefgh", KeyHashText(r.User, r.Index), "{sessions:read}", r.At)));
            await transaction.CommitAsync();
        }

        await using (var analyze = new NpgsqlCommand("ANALYZE", connection))
        {
            await analyze.ExecuteNonQueryAsync();
        }

        UserIds = users;
        NewestSession = rows.GroupBy(r => r.User).ToDictionary(g => g.Key, g => g.MaxBy(r => r.At).Session);
    }

    private static async Task CopyAsync(NpgsqlConnection connection, string target, IEnumerable<string> lines)
    {
        await using var writer = await connection.BeginTextImportAsync($"COPY {target} FROM STDIN");
        foreach (var line in lines)
        {
            await writer.WriteLineAsync(line);
        }
    }

    /// <summary>The key hash the load gives key number <paramref name="index"/> of <paramref name="user"/>, in COPY's text form of bytea.</summary>
    public static string KeyHashText(Guid user, int index) => @"\\x" + Convert.ToHexString(KeyHash(user, index));

    /// <summary>The key hash the load gives key number <paramref name="index"/> of <paramref name="user"/>.</summary>
    public static byte[] KeyHash(Guid user, int index)
        => System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{user:N}/{index}"));

    /// <summary>A line of COPY's text format; the values here hold no tab or newline, and a backslash only where escaped.</summary>
    private static string Line(params object?[] values) => string.Join('\t', values.Select(v => v switch
    {
        null => @"\N",
        DateTimeOffset at => at.ToString("O", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString(),
    }));
}

[CollectionDefinition(Name)]
public sealed class PlansCollection : ICollectionFixture<PlannedDatabase>
{
    public const string Name = "Plans";
}
