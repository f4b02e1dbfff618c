using Domain.Conversations;
using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence;
using Domain.Persistence.Errors;
using Domain.Persistence.Rls;
using Domain.Persistence.RowLevelSecurity;
using Domain.Prompts;
using Domain.Sessions;
using Domain.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;

namespace Domain.IntegrationTests.Security;

/// <summary>
/// Admins act as the database role <c>domain_admin</c>, with policies of its own: they read every row of every table
/// and write only their own rows, as owners do; the database's policies and privileges are exactly what the model
/// declares.
/// </summary>
public sealed class AdminRoleTests(MigratedDatabase database) : DatabaseTest(database)
{
    private static readonly string[] TableNames =
        ["sessions", "session_revisions", "session_drafts", "hole_resolutions", "conversations", "messages", "usage_logs", "prompt_performance",
            "files", "provider_file_uploads", "conversation_files"];

    /// <summary>Tables nobody owns (shared reference data): their policies are checked below, their rows elsewhere.</summary>
    private static readonly string[] SharedTableNames = ["system_prompts", "prompt_versions"];

    /// <summary>A change each table lets its owner make, where it lets them change anything (history and usage it does not).</summary>
    private static readonly Dictionary<string, string> UpdateSets = new()
    {
        ["sessions"] = "title = 'changed'",
        ["session_revisions"] = "change_summary = 'changed'",
        ["session_drafts"] = "is_valid = NOT is_valid",
        ["hole_resolutions"] = "confidence = 0.01",
        ["conversations"] = "title = 'changed'",
        ["messages"] = "content = 'changed'",
        ["usage_logs"] = "cost_usd = 0",
        ["prompt_performance"] = "latency_ms = 0",
        ["files"] = "metadata = jsonb_build_object('changed', true)",
        ["provider_file_uploads"] = "purpose = 'changed'",
        ["conversation_files"] = "attached_at = now()",
    };

    private Guid _alice;
    private Guid _admin;

    public static TheoryData<string> Tables => new(TableNames);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _alice = await Database.CreateUserAsync("alice@example.test");
        _admin = await Database.CreateUserAsync("admin@example.test");
        await Database.SessionWithOneOfEachAsync(_alice, "alice");
        var file = await Database.FileAsync(_alice, "alice.pdf", "openai");
        var conversation = Conversation.Create(_alice, "alice's chat", Clock.GetUtcNow());
        conversation.AddMessage(MessageRole.User, "hello", Clock.GetUtcNow());
        conversation.AttachFile(file, Clock.GetUtcNow());
        await using (var db = Database.ContextFor(RlsClaims.ForUser(_alice)))
        {
            db.Conversations.Add(conversation);
            await db.SaveChangesAsync();
        }

        await using (var db = Database.ContextFor(RlsClaims.Service))
        {
            db.UsageLogs.Add(UsageRecord.Create(_alice, "openai", "chat.completion", "m", 10, 2, 0.01m, Clock.GetUtcNow()));
            var prompt = SystemPrompt.Create("chat", "openai", 0, null, Clock.GetUtcNow());
            prompt.Activate(prompt.PublishVersion("Be brief.", null, null, Clock.GetUtcNow()), Clock.GetUtcNow());
            db.SystemPrompts.Add(prompt);
            db.PromptPerformance.Add(PromptPerformanceRecord.Create(_alice, prompt.Versions.Single().Id, 12, 340, true, Clock.GetUtcNow()));
            await db.SaveChangesAsync();
        }
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public async Task AnAdmin_ReadsAnotherUsersRows_InEveryTable(string table)
    {
        foreach (var claims in new[] { "ForAdmin", "role claim", "app_metadata" }.Select(Admin))
        {
            Assert.Equal(RlsClaims.AdminRole, claims.Role);
            Assert.Equal([_alice], await Database.UserIdsVisibleAsync(claims, table));
        }

        Assert.Empty(await Database.UserIdsVisibleAsync(RlsClaims.ForUser(_admin), table));
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public async Task AnAdmin_CannotChangeOrRemoveAnotherUsersRows(string table)
    {
        var before = await Database.ScalarAsync<string>($"SELECT string_agg(t::text, ';') FROM public.{table} t");

        Assert.True(await Database.TryExecuteAsync(RlsClaims.ForAdmin(_admin), $"UPDATE public.{table} SET {UpdateSets[table]}") is 0 or null);
        Assert.True(await Database.TryExecuteAsync(RlsClaims.ForAdmin(_admin), $"DELETE FROM public.{table}") is 0 or null);

        Assert.Equal(before, await Database.ScalarAsync<string>($"SELECT string_agg(t::text, ';') FROM public.{table} t"));
    }

    [Fact]
    public async Task AnAdmin_CannotAddRowsForAnotherUser()
    {
        await using (var db = Database.ContextFor(RlsClaims.ForAdmin(_admin)))
        {
            db.Conversations.Add(Conversation.Create(_alice, "planted", Clock.GetUtcNow()));
            await Assert.ThrowsAsync<RlsViolationException>(() => db.SaveChangesAsync());
        }

        var conversation = await Database.ScalarAsync<Guid>("SELECT id FROM public.conversations");
        var message = $"INSERT INTO public.messages (id, conversation_id, user_id, sequence, role, content) "
            + $"VALUES (gen_random_uuid(), '{conversation}', '{_alice}', 9, 'user', 'planted')";
        var refused = await Assert.ThrowsAsync<RlsViolationException>(() => Database.ExecuteAsync(RlsClaims.ForAdmin(_admin), message));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);

        await using (var db = Database.ContextFor(RlsClaims.ForAdmin(_admin)))
        {
            db.UsageLogs.Add(UsageRecord.Create(_admin, "openai", "chat.completion", "m", 1, 1, 0m, Clock.GetUtcNow()));
            await Assert.ThrowsAsync<RlsViolationException>(() => db.SaveChangesAsync());
        }

        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.messages"));
        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.conversations"));
        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.usage_logs"));
    }

    [Fact]
    public async Task AnAdmin_WritesTheirOwnRows_AsAnOwnerDoes()
    {
        var now = Clock.GetUtcNow();
        var session = Session.Create(_admin, "the admin's", null, now);
        session.AddRevision("""{"step":1}""", "first", now);
        var conversation = Conversation.Create(_admin, "the admin's chat", now);
        conversation.AddMessage(MessageRole.User, "mine", now);
        await using (var db = Database.ContextFor(RlsClaims.ForAdmin(_admin)))
        {
            db.Sessions.Add(session);
            db.Conversations.Add(conversation);
            await db.SaveChangesAsync();
        }

        Assert.Equal(1, await Database.TryExecuteAsync(RlsClaims.ForAdmin(_admin), $"UPDATE public.sessions SET title = 'renamed' WHERE id = '{session.Id}'"));
        Assert.Equal(1, await Database.TryExecuteAsync(RlsClaims.ForAdmin(_admin), $"DELETE FROM public.conversations WHERE id = '{conversation.Id}'"));

        // Revisions and messages are history for admins as for owners.
        Assert.Null(await Database.TryExecuteAsync(RlsClaims.ForAdmin(_admin), "UPDATE public.session_revisions SET change_summary = 'edited'"));
        Assert.Equal("renamed", await Database.ScalarAsync<string>("SELECT title FROM public.sessions WHERE id = @id", ("id", session.Id)));
    }

    [Fact]
    public async Task AnAdmin_CannotWriteColumnsOwnersCannotWrite()
    {
        var session = await Database.SessionWithOneOfEachAsync(_admin, "the admin's");

        var ex = await Assert.ThrowsAsync<RlsViolationException>(
            () => Database.ExecuteAsync(RlsClaims.ForAdmin(_admin), $"UPDATE public.sessions SET revision_count = 99 WHERE id = '{session.Id}'"));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
    }

    [Fact]
    public async Task SetRequestContext_AcceptsTheAdminRole_AndStillRefusesClaimsThatSayAnotherRole()
    {
        await using var connection = new NpgsqlConnection(Database.AppConnectionString);
        await connection.OpenAsync();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await CallSetRequestContextAsync(connection, transaction, RlsClaims.ForAdmin(_admin).Json, RlsClaims.AdminRole);
            await using var count = new NpgsqlCommand("SELECT count(*) FROM public.sessions", connection, transaction);
            Assert.Equal(1L, await count.ExecuteScalarAsync());
        }

        await using (var transaction = await connection.BeginTransactionAsync())
        {
            var ex = await Assert.ThrowsAsync<PostgresException>(
                () => CallSetRequestContextAsync(connection, transaction, RlsClaims.ForUser(_admin).Json, RlsClaims.AdminRole));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
        }
    }

    [Fact]
    public async Task TheDatabasesPoliciesAndPrivileges_AreWhatTheModelDeclares()
    {
        await using var migrating = MigrationsDbContextFactory.Create(Database.AdminConnectionString);
        var tables = migrating.GetService<IDesignTimeModel>().Model.GetRelationalModel().Tables
            .Where(t => t.Schema == DatabaseSchemas.Public)
            .ToList();
        // Every table the migrations made in public is in the model, and every table of the model is there.
        var inDatabase = await LinesAsync("SELECT tablename::text FROM pg_catalog.pg_tables WHERE schemaname = @t", DatabaseSchemas.Public);
        Assert.Equal(inDatabase.Order(StringComparer.Ordinal), tables.Select(t => t.Name).Order(StringComparer.Ordinal));

        foreach (var table in tables)
        {
            var declared = RowLevelSecurityObjects.For(table.GetRowLevelSecurity()!, column => column);
            var expectedPolicies = declared.Policies.Select(p => $"{p.Name} {p.Command} {p.Role}").Order();
            var policies = await LinesAsync(
                "SELECT policyname || ' ' || cmd || ' ' || array_to_string(roles, ',') FROM pg_policies WHERE schemaname = 'public' AND tablename = @t",
                table.Name);
            Assert.Equal(expectedPolicies, policies.Order());

            var expectedPrivileges = declared.Grants
                .SelectMany(grant => grant.Value.Select(p => $"{grant.Key} {p.Command} {(p.Columns is null ? "table" : string.Join(",", p.Columns.Order()))}"))
                .Order();
            var privileges = await LinesAsync(
                """
                SELECT r.rolname || ' ' || p.privilege || ' table'
                  FROM pg_roles r CROSS JOIN (VALUES ('SELECT'), ('INSERT'), ('UPDATE'), ('DELETE')) AS p(privilege)
                 WHERE r.rolname IN ('anon', 'authenticated', 'domain_admin', 'service_role')
                   AND has_table_privilege(r.oid, ('public.' || @t)::regclass, p.privilege)
                UNION ALL
                SELECT r.rolname || ' ' || p.privilege || ' ' || string_agg(a.attname, ',' ORDER BY a.attname)
                  FROM pg_attribute a
                  CROSS JOIN (VALUES ('INSERT'), ('UPDATE')) AS p(privilege)
                  JOIN pg_roles r ON r.rolname IN ('anon', 'authenticated', 'domain_admin', 'service_role')
                 WHERE a.attrelid = ('public.' || @t)::regclass AND a.attnum > 0 AND NOT a.attisdropped
                   AND has_column_privilege(r.oid, a.attrelid, a.attnum, p.privilege)
                   AND NOT has_table_privilege(r.oid, a.attrelid, p.privilege)
                 GROUP BY r.rolname, p.privilege
                """,
                table.Name);
            Assert.Equal(expectedPrivileges, privileges.Order());
        }
    }

    private RlsClaims Admin(string how) => how switch
    {
        "ForAdmin" => RlsClaims.ForAdmin(_admin),
        "role claim" => RlsClaims.FromJwtPayload($$"""{"sub":"{{_admin}}","role":"domain_admin","aud":"authenticated"}"""),
        _ => RlsClaims.FromJwtPayload($$$"""{"sub":"{{{_admin}}}","role":"authenticated","app_metadata":{"role":"admin"}}"""),
    };

    private async Task<List<string>> LinesAsync(string sql, string table)
    {
        await using var connection = new NpgsqlConnection(Database.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("t", table);
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return lines;
    }

    private static async Task CallSetRequestContextAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string claims, string role)
    {
        await using var call = new NpgsqlCommand("CALL domain_private.set_request_context(@claims, @role)", connection, transaction);
        call.Parameters.AddWithValue("claims", claims);
        call.Parameters.AddWithValue("role", role);
        await call.ExecuteNonQueryAsync();
    }
}
