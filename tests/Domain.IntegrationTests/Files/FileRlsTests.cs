using Domain.Conversations;
using Domain.Files;
using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence.Errors;
using Domain.Persistence.Rls;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Domain.IntegrationTests.Files;

/// <summary>
/// The policy matrix of the file tables (files, provider_file_uploads, conversation_files) × select/insert/update/delete
/// × owner, another user, anon, admin, service role; attachments to another user's conversation, even with its id; the
/// deletion queue, which only the service role reaches. Raw SQL for writes, so one statement meets one policy.
/// </summary>
public sealed class FileRlsTests(MigratedDatabase database) : DatabaseTest(database)
{
    private static readonly string[] TableNames = ["files", "provider_file_uploads", "conversation_files"];

    /// <summary>What each table lets its owner do, and a harmless change to try.</summary>
    private static readonly Dictionary<string, (bool Update, bool Delete, string UpdateSet)> OwnerRights = new()
    {
        ["files"] = (true, false, "metadata = jsonb_build_object('changed', true)"),
        ["provider_file_uploads"] = (false, false, "purpose = 'changed'"),
        ["conversation_files"] = (false, true, "attached_at = now()"),
    };

    private Guid _alice;
    private Guid _bob;
    private StoredFile _aliceFile = null!;
    private Conversation _aliceConversation = null!;
    private StoredFile _bobFile = null!;
    private Conversation _bobConversation = null!;

    public static TheoryData<string> Tables => new(TableNames);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _alice = await Database.CreateUserAsync("alice@example.test");
        _bob = await Database.CreateUserAsync("bob@example.test");
        _aliceFile = await Database.FileAsync(_alice, "alice.pdf", "openai");
        _aliceConversation = await Database.ConversationWithFilesAsync(_alice, _aliceFile);
        _bobFile = await Database.FileAsync(_bob, "bob.pdf", "openai");
        _bobConversation = await Database.ConversationWithFilesAsync(_bob, _bobFile);
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public async Task Select_OwnerSeesOwnRowsOnly_AnonNothing_AdminAndServiceRoleEverything(string table)
    {
        var admin = await Database.CreateUserAsync("admin@example.test");

        Assert.Equal([_alice], await Database.UserIdsVisibleAsync(RlsClaims.ForUser(_alice), table));
        Assert.Equal([_bob], await Database.UserIdsVisibleAsync(RlsClaims.ForUser(_bob), table));
        Assert.Empty(await Database.UserIdsVisibleAsync(RlsClaims.Anonymous, table));
        Assert.Equal(Sorted(_alice, _bob), await Database.UserIdsVisibleAsync(RlsClaims.ForAdmin(admin), table));
        Assert.Equal(Sorted(_alice, _bob), await Database.UserIdsVisibleAsync(RlsClaims.Service, table));
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public async Task UpdateAndDelete_OfAnotherUsersRows_AffectNothing_ForUserAdminAndAnon(string table)
    {
        var admin = await Database.CreateUserAsync();
        var before = await SnapshotAsync(table);
        foreach (var caller in new[] { RlsClaims.ForUser(_bob), RlsClaims.ForAdmin(admin), RlsClaims.Anonymous })
        {
            Assert.True(await Database.TryExecuteAsync(caller, $"UPDATE public.{table} SET {OwnerRights[table].UpdateSet} WHERE user_id = '{_alice}'") is 0 or null);
            Assert.True(await Database.TryExecuteAsync(caller, $"DELETE FROM public.{table} WHERE user_id = '{_alice}'") is 0 or null);
        }

        Assert.Equal(before, await SnapshotAsync(table));
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public async Task UpdateAndDelete_ByOwner_FollowTheTablesRights(string table)
    {
        var rights = OwnerRights[table];

        Assert.Equal(rights.Update ? 1 : null, await Database.TryExecuteAsync(RlsClaims.ForUser(_alice), $"UPDATE public.{table} SET {rights.UpdateSet} WHERE user_id = '{_alice}'"));
        Assert.Equal(rights.Delete ? 1 : null, await Database.TryExecuteAsync(RlsClaims.ForUser(_alice), $"DELETE FROM public.{table} WHERE user_id = '{_alice}'"));
    }

    [Fact]
    public async Task TheServiceRole_ReachesEveryUsersRows()
    {
        Assert.Equal(2, await Database.TryExecuteAsync(RlsClaims.Service, "UPDATE public.provider_file_uploads SET purpose = 'backend'"));
        Assert.Equal(2, await Database.TryExecuteAsync(RlsClaims.Service, "DELETE FROM public.conversation_files"));
        Assert.Equal(2, await Database.TryExecuteAsync(RlsClaims.Service, "UPDATE public.files SET metadata = jsonb_build_object('backend', true)"));
    }

    [Fact]
    public async Task Owners_CannotWriteTheCountersTheStatusTimesOrTheOwner_NorDeleteAFileRow()
    {
        foreach (var set in new[] { "access_count = 99", "last_accessed_at = now()", "deleted_at = now()", "ready_at = now()", $"user_id = '{_bob}'" })
        {
            var ex = await Assert.ThrowsAsync<RlsViolationException>(
                () => Database.ExecuteAsync(RlsClaims.ForUser(_alice), $"UPDATE public.files SET {set} WHERE id = '{_aliceFile.Id}'"));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
        }

        await Assert.ThrowsAsync<RlsViolationException>(() => Database.ExecuteAsync(RlsClaims.ForUser(_alice), $"DELETE FROM public.files WHERE id = '{_aliceFile.Id}'"));
        await Assert.ThrowsAsync<RlsViolationException>(
            () => Database.ExecuteAsync(RlsClaims.ForUser(_alice), $"UPDATE public.provider_file_uploads SET status = 'deleted' WHERE file_id = '{_aliceFile.Id}'"));
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT access_count FROM public.files WHERE id = @id", ("id", _aliceFile.Id)));
    }

    [Fact]
    public async Task Insert_AFileOrACopyForAnotherUser_IsRefused_ForUserAndAdmin()
    {
        var admin = await Database.CreateUserAsync();
        foreach (var caller in new[] { RlsClaims.ForUser(_bob), RlsClaims.ForAdmin(admin) })
        {
            await using (var db = Database.ContextFor(caller))
            {
                db.Files.Add(StoredFile.Register(_alice, FileBuilder.Details(_alice, $"planted-{caller.Role}.pdf"), Clock.GetUtcNow()));
                await Assert.ThrowsAsync<RlsViolationException>(() => db.SaveChangesAsync());
            }

            var copy = $"INSERT INTO public.provider_file_uploads (id, file_id, user_id, provider, provider_file_id, status) "
                + $"VALUES (gen_random_uuid(), '{_aliceFile.Id}', '{_alice}', 'openai', 'planted-{caller.Role}', 'active')";
            await Assert.ThrowsAsync<RlsViolationException>(() => Database.ExecuteAsync(caller, copy));
        }

        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.files WHERE user_id = @a", ("a", _alice)));
        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.provider_file_uploads WHERE user_id = @a", ("a", _alice)));
    }

    [Fact]
    public async Task Insert_ByAnon_IsRefused()
    {
        var sql = $"INSERT INTO public.conversation_files (conversation_id, file_id, user_id) VALUES ('{_aliceConversation.Id}', '{_aliceFile.Id}', '{_alice}')";

        var ex = await Assert.ThrowsAsync<RlsViolationException>(() => Database.ExecuteAsync(RlsClaims.Anonymous, sql));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
    }

    [Fact]
    public async Task AFile_CannotBeAttachedToAnotherUsersConversation_EvenWithItsId()
    {
        // Bob knows alice's conversation id. As his own row, the key (conversation_id, user_id) finds no conversation of his.
        var asBob = $"INSERT INTO public.conversation_files (conversation_id, file_id, user_id) VALUES ('{_aliceConversation.Id}', '{_bobFile.Id}', '{_bob}')";
        var fk = await Assert.ThrowsAsync<ReferenceViolationException>(() => Database.ExecuteAsync(RlsClaims.ForUser(_bob), asBob));
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, fk.SqlState);

        // As alice's row, RLS refuses a row bob does not own; with alice's file too.
        foreach (var file in new[] { _bobFile.Id, _aliceFile.Id })
        {
            var asAlice = $"INSERT INTO public.conversation_files (conversation_id, file_id, user_id) VALUES ('{_aliceConversation.Id}', '{file}', '{_alice}')";
            var rls = await Assert.ThrowsAsync<RlsViolationException>(() => Database.ExecuteAsync(RlsClaims.ForUser(_bob), asAlice));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, rls.SqlState);
        }

        // Nor can alice attach bob's file to her own conversation.
        var hers = $"INSERT INTO public.conversation_files (conversation_id, file_id, user_id) VALUES ('{_aliceConversation.Id}', '{_bobFile.Id}', '{_alice}')";
        await Assert.ThrowsAsync<ReferenceViolationException>(() => Database.ExecuteAsync(RlsClaims.ForUser(_alice), hers));

        // Through the model, bob cannot even load alice's conversation to attach to.
        await using (var db = Database.ContextFor(RlsClaims.ForUser(_bob)))
        {
            Assert.Null(await db.Conversations.SingleOrDefaultAsync(c => c.Id == _aliceConversation.Id));
        }

        var attached = await Database.ScalarAsync<Guid[]>(
            "SELECT array_agg(file_id) FROM public.conversation_files WHERE conversation_id = @c", ("c", _aliceConversation.Id));
        Assert.Equal([_aliceFile.Id], attached!);
    }

    [Fact]
    public async Task TheDeletionQueue_IsTheServiceRolesOnly()
    {
        await using (var db = Database.ContextFor(RlsClaims.ForUser(_alice)))
        {
            await db.Files.Where(f => f.Id == _aliceFile.Id).ExecuteUpdateAsync(u => u.SetProperty(f => f.Status, FileStatus.Deleting));
        }

        var admin = await Database.CreateUserAsync();
        foreach (var caller in new[] { RlsClaims.ForUser(_alice), RlsClaims.ForAdmin(admin), RlsClaims.Anonymous })
        {
            await using var db = Database.ContextFor(caller);
            var read = await Assert.ThrowsAsync<RlsViolationException>(() => db.FileDeletionJobs.CountAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, read.SqlState);
            await Assert.ThrowsAsync<RlsViolationException>(() => Database.ExecuteAsync(caller, "UPDATE domain_ops.file_deletion_jobs SET status = 'succeeded'"));
        }

        await using (var backend = Database.ContextFor(RlsClaims.Service))
        {
            Assert.Equal(2, await backend.FileDeletionJobs.CountAsync(j => j.FileId == _aliceFile.Id && j.Status == FileDeletionJobStatus.Pending));
            var insert = $"INSERT INTO domain_ops.file_deletion_jobs (file_id, user_id, location, target) VALUES ('{_bobFile.Id}', '{_bob}', 'storage', 'x')";
            await Assert.ThrowsAsync<RlsViolationException>(() => Database.ExecuteAsync(RlsClaims.Service, insert));
        }
    }

    [Fact]
    public async Task FilesAndAttachments_ArePublishedToRealtime()
    {
        var published = await Database.ScalarAsync<string[]>(
            "SELECT array_agg(tablename::text ORDER BY tablename) FROM pg_publication_tables WHERE pubname = 'supabase_realtime' AND schemaname = 'public'");

        Assert.Contains("files", published!);
        Assert.Contains("conversation_files", published!);
    }

    private async Task<string?> SnapshotAsync(string table)
        => await Database.ScalarAsync<string>($"SELECT string_agg(t::text, ';' ORDER BY t::text) FROM public.{table} t");


    private static List<Guid> Sorted(params Guid[] ids) => [.. ids.Order()];
}
