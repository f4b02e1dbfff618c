using Domain.Application;
using Domain.Application.Common;
using Domain.Application.Conversations;
using Domain.Application.Files;
using Domain.Common;
using Domain.Conversations;
using Domain.Files;
using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence.Errors;
using Domain.Persistence.Rls;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Domain.IntegrationTests.Files;

/// <summary>
/// <see cref="FileStore"/> as the application layer registers it: registering with duplicates found, provider copies,
/// lists by keyset, status moves and deletion requests, attachments and a conversation's files, orphans; and bad input
/// refused with a clear error and nothing written.
/// </summary>
public sealed class FileStoreTests : DatabaseTest
{
    private readonly FakeTimeProvider _clock = new(TimeProvider.System.GetUtcNow());
    private readonly ServiceProvider _services;
    private readonly FileStore _store;

    public FileStoreTests(MigratedDatabase database)
        : base(database)
    {
        _services = new ServiceCollection()
            .AddSingleton(database.Contexts)
            .AddSingleton<TimeProvider>(_clock)
            .AddDomainApplication()
            .BuildServiceProvider();
        _store = _services.GetRequiredService<FileStore>();
    }

    public override async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task Register_TheSameContentTwice_FindsTheFirst_UnlessACopyIsAskedFor()
    {
        var alice = Caller.User(await Database.CreateUserAsync());
        var bob = Caller.User(await Database.CreateUserAsync());
        var sha = FileBuilder.Sha256Of("report");

        var first = await _store.RegisterAsync(alice, Request("a/report.pdf", sha));
        var again = await _store.RegisterAsync(alice, Request("a/report-again.pdf", sha.ToUpperInvariant()));
        var copy = await _store.RegisterAsync(alice, Request("a/report-copy.pdf", sha) with { AllowCopy = true });
        var bobs = await _store.RegisterAsync(bob, Request("b/report.pdf", sha));

        Assert.False(first.AlreadyStored);
        Assert.True(again.AlreadyStored);
        Assert.Equal(first.File.Id, again.File.Id);
        Assert.Equal((false, true), (copy.AlreadyStored, copy.File.IsCopy));
        Assert.False(bobs.AlreadyStored);
        Assert.Equal(first.File.Id, (await _store.FindByContentAsync(alice, sha))!.Id);
        Assert.Equal(3L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.files"));
        Assert.Equal((FileStatus.Uploaded, FileType.Document, 1_000L), (first.File.Status, first.File.FileType, first.File.SizeBytes));
    }

    [Fact]
    public async Task SixteenConcurrentRegistrations_OfOneContent_StoreOneFile_ThatEveryCallerGets()
    {
        var alice = Caller.User(await Database.CreateUserAsync());
        var sha = FileBuilder.Sha256Of("same bytes");

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => _store.RegisterAsync(alice, Request($"a/upload-{i}.bin", sha)))));

        Assert.Single(results.Select(r => r.File.Id).Distinct());
        Assert.Single(results, r => !r.AlreadyStored);
        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.files"));
    }

    [Fact]
    public async Task Register_AStoragePathInUse_IsAClearError_AndADeletedFilesPathIsFreeAgain()
    {
        var alice = Caller.User(await Database.CreateUserAsync());
        var first = await _store.RegisterAsync(alice, Request("a/same-path.pdf", FileBuilder.Sha256Of("one")));

        var taken = await Assert.ThrowsAsync<UniqueViolationException>(() => _store.RegisterAsync(alice, Request("a/same-path.pdf", FileBuilder.Sha256Of("two"))));
        Assert.Contains("storage_path", taken.Message, StringComparison.Ordinal);

        await _store.RequestDeletionAsync(alice, first.File.Id);
        await CompleteJobsAsync(first.File.Id);
        Assert.Equal(FileStatus.Deleted, (await _store.GetAsync(alice, first.File.Id))!.Status);
        Assert.False((await _store.RegisterAsync(alice, Request("a/same-path.pdf", FileBuilder.Sha256Of("two")))).AlreadyStored);
    }

    [Fact]
    public async Task List_PagesNewestFirst_ByStatusAndType_AndLeavesDeletedFilesOutUnlessAsked()
    {
        var alice = Caller.User(await Database.CreateUserAsync());
        var ids = new List<Guid>();
        for (var i = 0; i < 7; i++)
        {
            _clock.Advance(TimeSpan.FromMinutes(1));
            var mime = i % 2 == 0 ? "application/pdf" : "image/png";
            ids.Add((await _store.RegisterAsync(alice, Request($"a/f{i}", FileBuilder.Sha256Of($"f{i}")) with { MimeType = mime })).File.Id);
        }

        await _store.MarkReadyAsync(alice, ids[0]);
        await _store.RequestDeletionAsync(alice, ids[1]);
        await CompleteJobsAsync(ids[1]);

        var page = await _store.ListAsync(alice, new ListFilesRequest(PageSize: 4));
        var next = await _store.ListAsync(alice, ListFilesRequest.NextPage(new ListFilesRequest(PageSize: 4), page[^1]));
        Assert.Equal(ids.Where(id => id != ids[1]).Reverse(), page.Concat(next).Select(f => f.Id));
        Assert.Equal([ids[0]], (await _store.ListAsync(alice, new ListFilesRequest(Status: FileStatus.Ready))).Select(f => f.Id));
        Assert.Equal([ids[5], ids[3]], (await _store.ListAsync(alice, new ListFilesRequest(FileType: FileType.Image))).Select(f => f.Id));
        Assert.Equal(7, (await _store.ListAsync(alice, new ListFilesRequest(IncludeDeleted: true))).Count);
        Assert.Empty(await _store.ListAsync(Caller.User(await Database.CreateUserAsync()), new ListFilesRequest()));
    }

    [Fact]
    public async Task RequestDeletion_MarksTheFileAndItsCopiesDeleting_AndQueuesOneJobPerPlace_InOneStatement()
    {
        var aliceId = await Database.CreateUserAsync();
        var alice = Caller.User(aliceId);
        var file = await Database.FileAsync(aliceId, "three-places.pdf", "openai", "kimi");

        var deleting = await _store.RequestDeletionAsync(alice, file.Id);
        var again = await _store.RequestDeletionAsync(alice, file.Id);

        Assert.Equal(FileStatus.Deleting, deleting.Status);
        Assert.NotNull(deleting.DeletionRequestedAt);
        Assert.Equal(deleting.DeletionRequestedAt, again.DeletionRequestedAt);
        Assert.All(await _store.GetProviderUploadsAsync(alice, file.Id), u => Assert.Equal(ProviderUploadStatus.Deleting, u.Status));
        await using var backend = Database.ContextFor(RlsClaims.Service);
        var jobs = await backend.FileDeletionJobs.Where(j => j.FileId == file.Id).OrderBy(j => j.Provider).ToListAsync();
        Assert.Equal(
            [(FileLocation.Provider, "kimi"), (FileLocation.Provider, "openai"), (FileLocation.Storage, (string?)null)],
            jobs.Select(j => (j.Location, j.Provider)));
        Assert.All(jobs, j => Assert.Equal((FileDeletionJobStatus.Pending, 0, aliceId), (j.Status, j.Attempts, j.UserId)));
        Assert.Equal(file.StoragePath, jobs.Single(j => j.Location == FileLocation.Storage).Target);
        Assert.Equal(file.ProviderUploads.Single(u => u.Provider == "kimi").ProviderFileId, jobs.Single(j => j.Provider == "kimi").Target);
    }

    [Fact]
    public async Task StatusMoves_OnlyForward_ThroughTheSeedsUpdateDocumentStatus()
    {
        var alice = Caller.User(await Database.CreateUserAsync());
        var file = (await _store.RegisterAsync(alice, Request("a/doc.pdf", FileBuilder.Sha256Of("doc")))).File;

        var ready = await _store.ChangeStatusAsync(alice, file.Id, new ChangeFileStatusRequest(FileStatus.Ready));
        Assert.Equal(FileStatus.Ready, ready.Status);
        Assert.NotNull(ready.ReadyAt);

        foreach (var backwards in new[] { FileStatus.Uploaded, FileStatus.Deleted })
        {
            var refused = await Assert.ThrowsAsync<DomainException>(() => _store.ChangeStatusAsync(alice, file.Id, new ChangeFileStatusRequest(backwards)));
            Assert.Equal("file.status_transition", refused.Code);
        }

        await Assert.ThrowsAsync<ValidationException>(() => _store.ChangeStatusAsync(alice, file.Id, new ChangeFileStatusRequest((FileStatus)42)));
        Assert.Equal(FileStatus.Ready, (await _store.GetAsync(alice, file.Id))!.Status);
        Assert.Equal(FileStatus.Deleting, (await _store.ChangeStatusAsync(alice, file.Id, new ChangeFileStatusRequest(FileStatus.Deleting))).Status);
        Assert.Equal("file.status_transition", (await Assert.ThrowsAsync<DomainException>(() => _store.MarkReadyAsync(alice, file.Id))).Code);
    }

    [Fact]
    public async Task TheDatabase_RefusesAStatusMoveTheModelRefuses_ForEveryPair()
    {
        var aliceId = await Database.CreateUserAsync();
        foreach (var from in Enum.GetValues<FileStatus>())
        {
            foreach (var to in Enum.GetValues<FileStatus>().Where(s => s != from))
            {
                var file = await Database.FileAsync(aliceId, $"{from}-{to}.pdf");
                await ArrangeStatusAsync(file.Id, from);
                var move = $"UPDATE public.files SET status = '{to.ToString().ToLowerInvariant()}' WHERE id = '{file.Id}'";
                if (FileStatusTransitions.IsAllowed(from, to))
                {
                    Assert.Equal(1, await Database.ExecuteAsync(RlsClaims.Service, move));
                }
                else
                {
                    var refused = await Assert.ThrowsAsync<ConstraintViolationException>(() => Database.ExecuteAsync(RlsClaims.Service, move));
                    Assert.Equal("ck_files_status_transition", refused.ConstraintName);
                }

                Assert.Equal(FileStatusTransitions.IsAllowed(from, to) ? to : from, await StatusAsync(file.Id));
            }
        }
    }

    [Fact]
    public async Task AFile_IsMarkedDeletedOnlyWhenEveryJobSucceeded_NotByACallerBeforeThat()
    {
        var aliceId = await Database.CreateUserAsync();
        var file = await Database.FileAsync(aliceId, "guarded.pdf", "openai");
        await _store.RequestDeletionAsync(Caller.User(aliceId), file.Id);

        var early = await Assert.ThrowsAsync<ConstraintViolationException>(
            () => Database.ExecuteAsync(RlsClaims.ForUser(aliceId), $"UPDATE public.files SET status = 'deleted' WHERE id = '{file.Id}'"));
        Assert.Contains("not removed everywhere yet", early.Message, StringComparison.Ordinal);

        await CompleteJobsAsync(file.Id, location: FileLocation.Storage);
        Assert.Equal(FileStatus.Deleting, await StatusAsync(file.Id));
        await CompleteJobsAsync(file.Id);
        Assert.Equal(FileStatus.Deleted, await StatusAsync(file.Id));
        var upload = Assert.Single(await _store.GetProviderUploadsAsync(Caller.User(aliceId), file.Id));
        Assert.Equal(ProviderUploadStatus.Deleted, upload.Status);
        Assert.NotNull(upload.DeletedAt);
        Assert.NotNull((await _store.GetAsync(Caller.User(aliceId), file.Id))!.DeletedAt);
    }

    [Fact]
    public async Task RecordProviderUpload_TwiceIsOneCopy_AnotherFilesProviderIdIsAClearError_AndADeletingFileTakesNone()
    {
        var aliceId = await Database.CreateUserAsync();
        var alice = Caller.User(aliceId);
        var first = (await _store.RegisterAsync(alice, Request("a/one.pdf", FileBuilder.Sha256Of("one")))).File;
        var second = (await _store.RegisterAsync(alice, Request("a/two.pdf", FileBuilder.Sha256Of("two")))).File;

        var copy = await _store.RecordProviderUploadAsync(alice, first.Id, new RecordProviderUploadRequest("Kimi", "file-1", "file-extract", _clock.GetUtcNow().AddDays(30)));
        var retried = await _store.RecordProviderUploadAsync(alice, first.Id, new RecordProviderUploadRequest("kimi", "file-1"));
        Assert.Equal(copy.Id, retried.Id);
        Assert.Equal(("kimi", ProviderUploadStatus.Active), (copy.Provider, copy.Status));
        Assert.Equal(first.Id, (await _store.FindByProviderFileIdAsync(alice, "KIMI", "file-1"))!.Id);

        var duplicate = await Assert.ThrowsAsync<UniqueViolationException>(
            () => _store.RecordProviderUploadAsync(alice, second.Id, new RecordProviderUploadRequest("kimi", "file-1")));
        Assert.Contains("already recorded for another file", duplicate.Message, StringComparison.Ordinal);

        await _store.RequestDeletionAsync(alice, second.Id);
        var late = await Assert.ThrowsAsync<DomainException>(
            () => _store.RecordProviderUploadAsync(alice, second.Id, new RecordProviderUploadRequest("kimi", "file-2")));
        Assert.Equal("file.deleting", late.Code);

        // A writer that skips the model meets the trigger, which waits for a deletion in progress and then refuses.
        var raw = $"INSERT INTO public.provider_file_uploads (id, file_id, user_id, provider, provider_file_id, status) "
            + $"VALUES (gen_random_uuid(), '{second.Id}', '{aliceId}', 'kimi', 'file-3', 'active')";
        var refused = await Assert.ThrowsAsync<ConstraintViolationException>(() => Database.ExecuteAsync(RlsClaims.ForUser(aliceId), raw));
        Assert.Equal("ck_provider_file_uploads_file_in_use", refused.ConstraintName);
        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.provider_file_uploads"));
    }

    [Fact]
    public async Task Attach_TheCallersFileToTheirConversation_Once_AndTheConversationKnowsItsFiles()
    {
        await using var services = new ServiceCollection().AddSingleton(Database.Contexts).AddDomainApplication().BuildServiceProvider();
        var conversations = services.GetRequiredService<ConversationStore>();
        var aliceId = await Database.CreateUserAsync();
        var alice = Caller.User(aliceId);
        var chat = await conversations.StoreAsync(alice, new StoreConversationRequest("chat"));
        var report = (await _store.RegisterAsync(alice, Request("a/report.pdf", FileBuilder.Sha256Of("report")))).File;
        var chart = (await _store.RegisterAsync(alice, Request("a/chart.png", FileBuilder.Sha256Of("chart")) with { MimeType = "image/png" })).File;

        var attached = await _store.AttachAsync(alice, chat.Id, report.Id);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await _store.AttachAsync(alice, chat.Id, chart.Id);
        var again = await _store.AttachAsync(alice, chat.Id, report.Id);

        Assert.Equal(attached.AttachedAt, again.AttachedAt);
        Assert.Equal([report.Id, chart.Id], (await _store.ListConversationFilesAsync(alice, chat.Id)).Select(a => a.File.Id));
        await using (var db = Database.ContextFor(RlsClaims.ForUser(aliceId)))
        {
            var loaded = await db.Conversations.Include(c => c.Files).SingleAsync(c => c.Id == chat.Id);
            Assert.Equal(new[] { chart.Id, report.Id }.Order(), loaded.Files.Select(f => f.FileId).Order());
        }

        Assert.True(await _store.DetachAsync(alice, chat.Id, chart.Id));
        Assert.False(await _store.DetachAsync(alice, chat.Id, chart.Id));
        Assert.Equal([report.Id], (await _store.ListConversationFilesAsync(alice, chat.Id)).Select(a => a.File.Id));
        Assert.NotNull(await _store.GetAsync(alice, chart.Id));
    }

    [Fact]
    public async Task Attach_AnotherUsersConversationOrFile_IsNotFound_WhateverTheId()
    {
        await using var services = new ServiceCollection().AddSingleton(Database.Contexts).AddDomainApplication().BuildServiceProvider();
        var conversations = services.GetRequiredService<ConversationStore>();
        var (aliceId, bobId) = (await Database.CreateUserAsync(), await Database.CreateUserAsync());
        var (alice, bob) = (Caller.User(aliceId), Caller.User(bobId));
        var aliceChat = await conversations.StoreAsync(alice, new StoreConversationRequest("alice's"));
        var bobChat = await conversations.StoreAsync(bob, new StoreConversationRequest("bob's"));
        var aliceFile = (await _store.RegisterAsync(alice, Request("a/x.pdf", FileBuilder.Sha256Of("x")))).File;
        var bobFile = (await _store.RegisterAsync(bob, Request("b/x.pdf", FileBuilder.Sha256Of("x")))).File;

        await Assert.ThrowsAsync<NotFoundException>(() => _store.AttachAsync(bob, aliceChat.Id, bobFile.Id));
        await Assert.ThrowsAsync<NotFoundException>(() => _store.AttachAsync(bob, bobChat.Id, aliceFile.Id));
        await Assert.ThrowsAsync<NotFoundException>(() => _store.ListConversationFilesAsync(bob, aliceChat.Id));
        Assert.False(await _store.DetachAsync(bob, aliceChat.Id, aliceFile.Id));
        await Assert.ThrowsAsync<ValidationException>(() => _store.AttachAsync(Caller.Anonymous, aliceChat.Id, aliceFile.Id));
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.conversation_files"));
    }

    [Fact]
    public async Task Attach_ADeletingFileOrToAnArchivedConversation_IsRefused()
    {
        await using var services = new ServiceCollection().AddSingleton(Database.Contexts).AddDomainApplication().BuildServiceProvider();
        var conversations = services.GetRequiredService<ConversationStore>();
        var alice = Caller.User(await Database.CreateUserAsync());
        var chat = await conversations.StoreAsync(alice, new StoreConversationRequest("chat"));
        var file = (await _store.RegisterAsync(alice, Request("a/gone.pdf", FileBuilder.Sha256Of("gone")))).File;
        var kept = (await _store.RegisterAsync(alice, Request("a/kept.pdf", FileBuilder.Sha256Of("kept")))).File;
        await _store.RequestDeletionAsync(alice, file.Id);

        Assert.Equal("file.deleting", (await Assert.ThrowsAsync<DomainException>(() => _store.AttachAsync(alice, chat.Id, file.Id))).Code);
        await conversations.ArchiveAsync(alice, chat.Id);
        Assert.Equal("conversation.archived", (await Assert.ThrowsAsync<DomainException>(() => _store.AttachAsync(alice, chat.Id, kept.Id))).Code);
    }

    [Fact]
    public async Task AnAdmin_ReadsAnotherUsersFile_ButCannotChangeIt()
    {
        var aliceId = await Database.CreateUserAsync();
        var admin = Caller.Admin(await Database.CreateUserAsync());
        var file = await Database.FileAsync(aliceId, "alice.pdf");

        Assert.Equal(file.Id, (await _store.GetAsync(admin, file.Id))!.Id);
        await Assert.ThrowsAsync<RlsViolationException>(() => _store.RequestDeletionAsync(admin, file.Id));
        await Assert.ThrowsAsync<RlsViolationException>(() => _store.ReplaceMetadataAsync(admin, file.Id, new ReplaceFileMetadataRequest("""{"x":1}""")));
        Assert.Equal(FileStatus.Uploaded, await StatusAsync(file.Id));
        var stranger = Caller.User(await Database.CreateUserAsync());
        await Assert.ThrowsAsync<NotFoundException>(() => _store.RequestDeletionAsync(stranger, file.Id));
        await Assert.ThrowsAsync<NotFoundException>(() => _store.OpenAsync(Caller.Anonymous, file.Id));
    }

    [Fact]
    public async Task FindOrphans_FilesNothingReferences_FilesStuckUploaded_AndCopiesThatEscapedTheirFilesDeletion_PastTheGracePeriod()
    {
        await using var services = new ServiceCollection().AddSingleton(Database.Contexts).AddSingleton<TimeProvider>(_clock).AddDomainApplication().BuildServiceProvider();
        var conversations = services.GetRequiredService<ConversationStore>();
        var aliceId = await Database.CreateUserAsync();
        var alice = Caller.User(aliceId);
        var attached = (await _store.RegisterAsync(alice, Request("a/attached.pdf", FileBuilder.Sha256Of("attached")))).File;
        _clock.Advance(TimeSpan.FromSeconds(1));
        var lonelyReady = (await _store.RegisterAsync(alice, Request("a/lonely.pdf", FileBuilder.Sha256Of("lonely")))).File;
        _clock.Advance(TimeSpan.FromSeconds(1));
        var stuck = (await _store.RegisterAsync(alice, Request("a/stuck.pdf", FileBuilder.Sha256Of("stuck")))).File;
        var deleting = await Database.FileAsync(aliceId, "deleting.pdf", "openai");
        await _store.MarkReadyAsync(alice, attached.Id);
        await _store.MarkReadyAsync(alice, lonelyReady.Id);
        var chat = await conversations.StoreAsync(alice, new StoreConversationRequest("chat"));
        await _store.AttachAsync(alice, chat.Id, attached.Id);
        await _store.RequestDeletionAsync(alice, deleting.Id);

        // A copy that escaped the queue: recorded behind the guards' back (triggers off, as a restore might do).
        await using (var connection = new Npgsql.NpgsqlConnection(Database.AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var escaped = new Npgsql.NpgsqlCommand(
                $"""
                SET session_replication_role = replica;
                INSERT INTO public.provider_file_uploads (id, file_id, user_id, provider, provider_file_id, status)
                VALUES (gen_random_uuid(), '{deleting.Id}', '{aliceId}', 'kimi', 'escaped', 'active');
                """,
                connection);
            await escaped.ExecuteNonQueryAsync();
        }

        var early = await _store.FindOrphansAsync(alice, new FindOrphansRequest());
        Assert.Empty(early.Unreferenced);
        Assert.Empty(early.StuckUploaded);
        Assert.Equal(["escaped"], early.UploadsWithoutFile.Select(u => u.ProviderFileId));

        _clock.Advance(TimeSpan.FromDays(2));
        var orphans = await _store.FindOrphansAsync(alice, new FindOrphansRequest(GracePeriod: TimeSpan.FromDays(1)));

        Assert.Equal([lonelyReady.Id, stuck.Id], orphans.Unreferenced.Select(f => f.Id));
        Assert.Equal([stuck.Id], orphans.StuckUploaded.Select(f => f.Id));
        Assert.Equal(["escaped"], orphans.UploadsWithoutFile.Select(u => u.ProviderFileId));
        var others = await _store.FindOrphansAsync(Caller.User(await Database.CreateUserAsync()), new FindOrphansRequest(TimeSpan.Zero));
        Assert.Empty(others.Unreferenced.Concat(others.StuckUploaded));
        Assert.Equal(2, (await _store.FindOrphansAsync(Caller.Service, new FindOrphansRequest(TimeSpan.FromDays(1)))).Unreferenced.Count);
    }

    [Fact]
    public async Task BadInput_IsAClearError_AndNothingIsWritten()
    {
        var alice = Caller.User(await Database.CreateUserAsync());
        var sha = FileBuilder.Sha256Of("big");

        var tooBig = await Assert.ThrowsAsync<ValidationException>(
            () => _store.RegisterAsync(alice, Request("a/big.bin", sha) with { SizeBytes = FileLimits.MaxSizeBytes + 1 }));
        Assert.Contains(tooBig.Errors, e => e.PropertyName == nameof(RegisterFileRequest.SizeBytes) && e.ErrorMessage.Contains("52428800", StringComparison.Ordinal));

        var badDigest = await Assert.ThrowsAsync<ValidationException>(() => _store.RegisterAsync(alice, Request("a/x.bin", sha[..63] + "g")));
        Assert.Contains(badDigest.Errors, e => e.PropertyName == nameof(RegisterFileRequest.Sha256) && e.ErrorMessage.Contains("SHA-256", StringComparison.Ordinal));

        var badPath = await Assert.ThrowsAsync<ValidationException>(() => _store.RegisterAsync(alice, Request("a/../escape", sha)));
        Assert.Contains(badPath.Errors, e => e.PropertyName == nameof(RegisterFileRequest.StoragePath));

        var noProvider = await Assert.ThrowsAsync<ValidationException>(
            () => _store.RecordProviderUploadAsync(alice, Guid.CreateVersion7(), new RecordProviderUploadRequest(" ", "id")));
        Assert.Contains(noProvider.Errors, e => e.PropertyName == nameof(RecordProviderUploadRequest.Provider));

        // The database holds the same limits for writers that are not .NET.
        var aliceId = alice.UserId!.Value;
        const string Columns = "id, user_id, storage_path, original_name, mime_type, size_bytes, sha256, file_type, status";
        var oversized = $"INSERT INTO public.files ({Columns}) "
            + $"VALUES (gen_random_uuid(), '{aliceId}', 'a/raw', 'raw', 'application/pdf', {FileLimits.MaxSizeBytes + 1}, '{sha}', 'document', 'uploaded')";
        Assert.Equal("ck_files_size_bytes",
            (await Assert.ThrowsAsync<ConstraintViolationException>(() => Database.ExecuteAsync(RlsClaims.ForUser(aliceId), oversized))).ConstraintName);
        var upperCaseDigest = $"INSERT INTO public.files ({Columns}) "
            + $"VALUES (gen_random_uuid(), '{aliceId}', 'a/raw', 'raw', 'application/pdf', 1, '{sha.ToUpperInvariant()}', 'document', 'uploaded')";
        Assert.Equal("ck_files_sha256",
            (await Assert.ThrowsAsync<ConstraintViolationException>(() => Database.ExecuteAsync(RlsClaims.ForUser(aliceId), upperCaseDigest))).ConstraintName);

        var registeredDeleting = $"INSERT INTO public.files ({Columns}) "
            + $"VALUES (gen_random_uuid(), '{aliceId}', 'a/raw', 'raw', 'application/pdf', 1, '{sha}', 'document', 'deleted')";
        Assert.Equal("ck_files_status_transition",
            (await Assert.ThrowsAsync<ConstraintViolationException>(() => Database.ExecuteAsync(RlsClaims.ForUser(aliceId), registeredDeleting))).ConstraintName);

        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.files"));
    }

    private static RegisterFileRequest Request(string path, string sha) => new(path, Path.GetFileName(path), "application/pdf", 1_000, sha);

    /// <summary>Marks the file's jobs succeeded as a worker would (optionally only those of one location).</summary>
    private async Task CompleteJobsAsync(Guid fileId, FileLocation? location = null)
    {
        var where = location is null ? string.Empty : $" AND location = '{location.ToString()!.ToLowerInvariant()}'";
        await Database.ExecuteAsync(RlsClaims.Service, $"UPDATE domain_ops.file_deletion_jobs SET status = 'succeeded' WHERE file_id = '{fileId}'{where}");
    }

    /// <summary>Puts a file in <paramref name="status"/> directly, triggers off, as only a test may.</summary>
    private async Task ArrangeStatusAsync(Guid fileId, FileStatus status)
    {
        await using var connection = new Npgsql.NpgsqlConnection(Database.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            $"SET session_replication_role = replica; UPDATE public.files SET status = '{status.ToString().ToLowerInvariant()}' WHERE id = '{fileId}'", connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<FileStatus> StatusAsync(Guid fileId)
    {
        await using var db = Database.ContextFor(RlsClaims.Service);
        return await db.Files.Where(f => f.Id == fileId).Select(f => f.Status).SingleAsync();
    }
}
