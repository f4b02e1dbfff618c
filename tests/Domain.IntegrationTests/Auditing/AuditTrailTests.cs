using System.Text.Json.Nodes;
using Domain.Application;
using Domain.Application.Auditing;
using Domain.Application.Common;
using Domain.Application.Sessions;
using Domain.Auditing;
using Domain.Conversations;
using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence.Conversations;
using Domain.Persistence.Errors;
using Domain.Persistence.Rls;
using Domain.Sessions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Domain.IntegrationTests.Auditing;

/// <summary>
/// The audit trail is written by the database for every writer (SaveChanges, ExecuteUpdate/ExecuteDelete, raw SQL
/// through the layer, a plain SQL client with no claims), with the actor from the request's claims; nobody can change or
/// remove an entry, the backend and the owner included; owners read the entries about their rows, admins all of them.
/// </summary>
public sealed class AuditTrailTests : DatabaseTest
{
    private readonly ServiceProvider _services;
    private readonly AuditTrail _trail;
    private readonly SessionStore _sessions;

    public AuditTrailTests(MigratedDatabase database)
        : base(database)
    {
        _services = new ServiceCollection().AddSingleton(database.Contexts).AddDomainApplication().BuildServiceProvider();
        _trail = _services.GetRequiredService<AuditTrail>();
        _sessions = _services.GetRequiredService<SessionStore>();
    }

    public override async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task EveryWriter_IsRecorded_WithItsActor_AndTheChangedColumnsBeforeAndAfter()
    {
        var alice = await Database.CreateUserAsync("alice@example.test");
        var admin = await Database.CreateUserAsync("admin@example.test");
        var owner = await Database.ScalarAsync<string>("SELECT current_user");

        // SaveChanges, as the user.
        var created = await _sessions.CreateAsync(Caller.User(alice), new CreateSessionRequest("first title", null));
        // One statement through raw SQL of the layer (the revision append), as the user.
        await _sessions.AddRevisionAsync(Caller.User(alice), created.Id, new AddRevisionRequest("""{"goal": "audit"}""", "first"));
        // ExecuteUpdate, as the user.
        await _sessions.ArchiveManyAsync(Caller.User(alice), new SessionIdsRequest([created.Id]));
        // Raw SQL through the layer, as the backend.
        await Database.ExecuteAsync(RlsClaims.Service, $"UPDATE public.sessions SET title = 'by the backend' WHERE id = '{created.Id}'");
        // A plain SQL client (psql, a migration script): no claims at all.
        await Database.ScalarAsync<int>($"UPDATE public.sessions SET description = 'by psql' WHERE id = '{created.Id}'; SELECT 1");
        // An admin's own row, through SaveChanges.
        var adminsSession = await _sessions.CreateAsync(Caller.Admin(admin), new CreateSessionRequest("the admin's", null));
        // ExecuteDelete, as the user.
        await _sessions.DeleteManyAsync(Caller.User(alice), new SessionIdsRequest([created.Id]));

        var history = (await _trail.HistoryAsync(Caller.Service, new RowHistoryRequest("sessions", created.Id))).Reverse().ToList();
        Assert.Equal(
            [
                (AuditOperation.Insert, (Guid?)alice, "authenticated", "authenticated"),
                (AuditOperation.Update, alice, "authenticated", "authenticated"),
                (AuditOperation.Update, alice, "authenticated", "authenticated"),
                (AuditOperation.Update, null, "service_role", "service_role"),
                (AuditOperation.Update, null, owner!, owner!),
                (AuditOperation.Delete, alice, "authenticated", "authenticated"),
            ],
            history.Select(e => (e.Operation, e.ActorId, e.ActorRole, e.DatabaseRole)));
        Assert.All(history, e => Assert.Equal((created.Id, (Guid?)alice, "sessions"), (e.RowId!.Value, e.OwnerId, e.TableName)));

        Assert.Null(history[0].OldValues);
        Assert.Equal("first title", (string)Json(history[0].NewValues)["title"]!);
        Assert.False(Json(history[0].NewValues).AsObject().ContainsKey("revision_count"));
        AssertChange(history[1], "current_ir", null, JsonNode.Parse("""{"goal": "audit"}"""));
        AssertChange(history[2], "status", "active", "archived");
        Assert.Equal(["archived_at", "status"], Json(history[2].NewValues).AsObject().Select(p => p.Key).Order());
        AssertChange(history[3], "title", "first title", "by the backend");
        AssertChange(history[4], "description", null, "by psql");
        Assert.Equal("by psql", (string)Json(history[5].OldValues)["description"]!);
        Assert.Null(history[5].NewValues);

        var adminsEntry = Assert.Single(await _trail.HistoryAsync(Caller.Service, new RowHistoryRequest("sessions", adminsSession.Id)));
        Assert.Equal(((Guid?)admin, RlsClaims.AdminRole), (adminsEntry.ActorId, adminsEntry.ActorRole));
    }

    [Fact]
    public async Task BookkeepingTheDatabaseDoes_WritesNoEntry()
    {
        var alice = await Database.CreateUserAsync();
        var conversation = Conversation.Create(alice, new ConversationStart("chat", timeToLive: TimeSpan.FromDays(30)), Clock.GetUtcNow());
        await using (var db = Database.ContextFor(RlsClaims.ForUser(alice)))
        {
            db.Conversations.Add(conversation);
            await db.SaveChangesAsync();
        }

        var before = await EntriesAsync();
        await using (var db = Database.ContextFor(RlsClaims.ForUser(alice)))
        {
            // Each message moves the counters, the last sequence and activity and the expiry: none of them is an edit.
            for (var i = 0; i < 3; i++)
            {
                await db.AppendMessageAsync(conversation.Id, new MessageContent(MessageRole.User, $"message {i}"), Clock.GetUtcNow(), TimeSpan.FromDays(30));
            }
        }

        var session = await Database.SessionWithOneOfEachAsync(alice);
        var afterSession = await EntriesAsync();

        Assert.Equal(before, afterSession - 1);
        Assert.Equal(3, await Database.ScalarAsync<int>("SELECT message_count FROM public.conversations WHERE id = @id", ("id", conversation.Id)));
        Assert.Equal(1, await Database.ScalarAsync<int>("SELECT revision_count FROM public.sessions WHERE id = @id", ("id", session.Id)));

        // An update that changes nothing but what is excluded, by any writer, writes nothing either.
        await Database.ScalarAsync<int>($"UPDATE public.sessions SET revision_count = revision_count, updated_at = now() WHERE id = '{session.Id}'; SELECT 1");
        Assert.Equal(afterSession, await EntriesAsync());
    }

    [Theory]
    [InlineData("anon")]
    [InlineData("authenticated")]
    [InlineData("domain_admin")]
    [InlineData("service_role")]
    public async Task NoApiRole_MayChangeRemoveOrAddAnEntry(string role)
    {
        var alice = await Database.CreateUserAsync();
        await _sessions.CreateAsync(Caller.User(alice), new CreateSessionRequest("audited", null));
        var before = await StoredTrailAsync();
        var caller = role switch
        {
            "anon" => RlsClaims.Anonymous,
            "authenticated" => RlsClaims.ForUser(alice),
            "domain_admin" => RlsClaims.ForAdmin(alice),
            _ => RlsClaims.Service,
        };

        foreach (var sql in new[]
        {
            "UPDATE public.audit_logs SET actor_role = 'nobody'",
            $"UPDATE public.audit_logs SET new_values = '{{}}' WHERE owner_id = '{alice}'",
            "DELETE FROM public.audit_logs",
            $"DELETE FROM public.audit_logs WHERE owner_id = '{alice}'",
            "TRUNCATE public.audit_logs",
            $"INSERT INTO public.audit_logs (table_name, operation, row_id, owner_id, actor_role, database_role, new_values) VALUES ('sessions', 'insert', gen_random_uuid(), '{alice}', 'forged', 'forged', '{{}}')",
        })
        {
            var refused = await Assert.ThrowsAsync<RlsViolationException>(() => Database.ExecuteAsync(caller, sql));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }

        Assert.Equal(before, await StoredTrailAsync());
    }

    [Fact]
    public async Task NotEvenTheTablesOwner_ChangesOrRemovesAnEntry()
    {
        var alice = await Database.CreateUserAsync();
        await _sessions.CreateAsync(Caller.User(alice), new CreateSessionRequest("audited", null));
        var before = await StoredTrailAsync();

        foreach (var sql in new[] { "UPDATE public.audit_logs SET actor_role = 'nobody'", "DELETE FROM public.audit_logs", "TRUNCATE public.audit_logs" })
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => Database.ScalarAsync<int>(sql + "; SELECT 1"));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
            Assert.Contains("append-only", refused.MessageText, StringComparison.Ordinal);
        }

        Assert.Equal(before, await StoredTrailAsync());
    }

    [Fact]
    public async Task Owners_ReadTheEntriesAboutTheirRows_AdminsAndTheBackendReadAll_AnonNone()
    {
        var (alice, bob, admin) = (await Database.CreateUserAsync(), await Database.CreateUserAsync(), await Database.CreateUserAsync());
        var alices = await _sessions.CreateAsync(Caller.User(alice), new CreateSessionRequest("alice's", null));
        var bobs = await _sessions.CreateAsync(Caller.User(bob), new CreateSessionRequest("bob's", null));

        // The backend changes bob's row: the entry is about bob's data, so bob reads it.
        await Database.ExecuteAsync(RlsClaims.Service, $"UPDATE public.sessions SET title = 'fixed by support' WHERE id = '{bobs.Id}'");

        var bobsTrail = await _trail.ListAsync(Caller.User(bob), new ListAuditEntriesRequest());
        Assert.All(bobsTrail, e => Assert.Equal(bob, e.OwnerId));
        Assert.Contains(bobsTrail, e => e.ActorRole == RlsClaims.ServiceRole && e.RowId == bobs.Id);
        Assert.Empty(await _trail.HistoryAsync(Caller.User(bob), new RowHistoryRequest("sessions", alices.Id)));
        Assert.Empty(await _trail.ListAsync(Caller.Anonymous, new ListAuditEntriesRequest()));

        var all = await _trail.ListAsync(Caller.Admin(admin), new ListAuditEntriesRequest(PageSize: 500));
        Assert.Equal(await EntriesAsync(), all.Count);
        Assert.Equal(all.Count, (await _trail.ListAsync(Caller.Service, new ListAuditEntriesRequest(PageSize: 500))).Count);
        var aboutAlice = await _trail.ListAsync(Caller.Admin(admin), new ListAuditEntriesRequest(OwnerId: alice, Table: "sessions"));
        Assert.Equal([alices.Id], aboutAlice.Select(e => e.RowId!.Value));

        // Paging by id, newest first.
        var first = await _trail.ListAsync(Caller.Service, new ListAuditEntriesRequest(PageSize: 2));
        var next = await _trail.ListAsync(Caller.Service, new ListAuditEntriesRequest(PageSize: 500, Before: first[^1].Id));
        Assert.Equal(all.Select(e => e.Id), first.Concat(next).Select(e => e.Id));
    }

    [Fact]
    public async Task TruncateByTheOwner_IsRecordedToo()
    {
        var alice = await Database.CreateUserAsync();
        await _sessions.CreateAsync(Caller.User(alice), new CreateSessionRequest("doomed", null));

        await Database.ScalarAsync<int>("TRUNCATE public.sessions CASCADE; SELECT 1");

        var entries = await _trail.ListAsync(Caller.Service, new ListAuditEntriesRequest(Table: "sessions"));
        var truncate = entries[0];
        Assert.Equal((AuditOperation.Truncate, (Guid?)null, (Guid?)null), (truncate.Operation, truncate.RowId, truncate.OwnerId));
        Assert.Contains(await _trail.ListAsync(Caller.Service, new ListAuditEntriesRequest(Table: "conversations")), e => e.Operation == AuditOperation.Truncate);
    }

    private static JsonNode Json(string? json) => JsonNode.Parse(json ?? "null") ?? throw new InvalidOperationException("No values were recorded.");

    private static void AssertChange(AuditEntryDto entry, string column, JsonNode? before, JsonNode? after)
    {
        Assert.Equal(AuditOperation.Update, entry.Operation);
        Assert.True(JsonNode.DeepEquals(before, Json(entry.OldValues)[column]), $"{column} before: {entry.OldValues}");
        Assert.True(JsonNode.DeepEquals(after, Json(entry.NewValues)[column]), $"{column} after: {entry.NewValues}");
    }

    private async Task<long> EntriesAsync() => await Database.ScalarAsync<long>("SELECT count(*) FROM public.audit_logs");

    private Task<string?> StoredTrailAsync()
        => Database.ScalarAsync<string>("SELECT coalesce(string_agg(a::text, E'\\n' ORDER BY a.id), '') FROM public.audit_logs a");
}
