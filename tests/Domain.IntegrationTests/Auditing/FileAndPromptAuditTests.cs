using System.Text.Json.Nodes;
using Domain.Application;
using Domain.Application.Auditing;
using Domain.Application.Common;
using Domain.Application.Files;
using Domain.Application.Files.Access;
using Domain.Application.Files.Deletion;
using Domain.Application.Prompts;
using Domain.Auditing;
using Domain.Files;
using Domain.IntegrationTests.Files;
using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence.Errors;
using Domain.Persistence.Rls;
using Microsoft.Extensions.DependencyInjection;

namespace Domain.IntegrationTests.Auditing;

/// <summary>
/// Files and prompts are audited (migration AuditFilesAndPrompts): what their stores do is recorded with the right
/// actor, while what the database and the background work keep by themselves (access counts, <c>updated_at</c>, the
/// version numbers handed out, a copy's status) writes no entry.
/// </summary>
public sealed class FileAndPromptAuditTests : DatabaseTest
{
    private readonly ServiceProvider _services;
    private readonly AuditTrail _trail;
    private readonly FileStore _files;
    private readonly PromptStore _prompts;
    private readonly FileAccessRecorder _accesses;

    public FileAndPromptAuditTests(MigratedDatabase database)
        : base(database)
    {
        _services = new ServiceCollection()
            .AddSingleton(database.Contexts)
            .AddDomainApplication()
            .Configure<FileAccessOptions>(o => o.FlushInterval = TimeSpan.FromHours(1))
            .BuildServiceProvider();
        _trail = _services.GetRequiredService<AuditTrail>();
        _files = _services.GetRequiredService<FileStore>();
        _prompts = _services.GetRequiredService<PromptStore>();
        _accesses = _services.GetRequiredService<FileAccessRecorder>();
    }

    public override async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task AFilesLife_ThroughFileStore_IsRecorded_TheOwnersMovesAsTheOwner_AndItsEndAsTheBackend()
    {
        var alice = await Database.CreateUserAsync();
        var details = FileBuilder.Details(alice, "report.pdf");
        var registered = await _files.RegisterAsync(
            Caller.User(alice), new RegisterFileRequest(details.StoragePath, details.OriginalName, details.MimeType, details.SizeBytes, details.Sha256));
        var id = registered.File.Id;
        await _files.MarkReadyAsync(Caller.User(alice), id);

        // A copy at a provider is the file's child: saving it touches only the file's updated_at, which is left out.
        await _files.RecordProviderUploadAsync(Caller.User(alice), id, new RecordProviderUploadRequest("openai", "file-abc"));
        await _files.RequestDeletionAsync(Caller.User(alice), id);

        // The deletion workers (the service role) remove the bytes and the copy; the last job marks the file deleted.
        var worker = new FileDeletionWorker(
            _services.GetRequiredService<RequestPipeline>(),
            new FileRemovers([TestRemover.Storage(), TestRemover.Provider("openai")]),
            new FileDeletionOptions { BatchSize = 5, Lease = TimeSpan.FromMinutes(1), RemoveTimeout = TimeSpan.FromSeconds(10) },
            "auditor",
            TimeProvider.System);
        Assert.Equal(2, await worker.RunOnceAsync());
        Assert.Equal(FileStatus.Deleted, (await _files.GetAsync(Caller.Service, id))!.Status);

        var history = (await _trail.HistoryAsync(Caller.Service, new RowHistoryRequest("files", id))).Reverse().ToList();
        Assert.Equal(
            [
                (AuditOperation.Insert, (Guid?)alice, RlsClaims.AuthenticatedRole),
                (AuditOperation.Update, alice, RlsClaims.AuthenticatedRole),
                (AuditOperation.Update, alice, RlsClaims.AuthenticatedRole),
                (AuditOperation.Update, null, RlsClaims.ServiceRole),
            ],
            history.Select(e => (e.Operation, e.ActorId, e.ActorRole)));
        Assert.All(history, e => Assert.Equal((Guid?)alice, e.OwnerId));

        Assert.Equal("report.pdf", (string?)Json(history[0].NewValues)["original_name"]);
        Assert.False(Json(history[0].NewValues).AsObject().ContainsKey("access_count"));
        AssertStatusMove(history[1], "uploaded", "ready", "ready_at");
        AssertStatusMove(history[2], "ready", "deleting", "deletion_requested_at");
        AssertStatusMove(history[3], "deleting", "deleted", "deleted_at");

        // The owner reads the entries about their file; another user reads none of them.
        Assert.Equal(4, (await _trail.HistoryAsync(Caller.User(alice), new RowHistoryRequest("files", id))).Count);
        var bob = await Database.CreateUserAsync();
        Assert.Empty(await _trail.HistoryAsync(Caller.User(bob), new RowHistoryRequest("files", id)));
    }

    [Fact]
    public async Task CountingAccesses_WritesNoEntry_NorDoesAnyWriterOfTheCountersAlone()
    {
        var alice = await Database.CreateUserAsync();
        var file = await Database.FileAsync(alice, "popular.pdf");
        var before = await EntriesAsync();

        for (var i = 0; i < 25; i++)
        {
            await _files.OpenAsync(Caller.User(alice), file.Id);
        }

        Assert.Equal(new FileAccessFlush(1, 0), await _accesses.FlushAsync());
        Assert.Equal(25L, await Database.ScalarAsync<long>("SELECT access_count FROM public.files WHERE id = @id", ("id", file.Id)));

        // psql moving only what is left out (the counters, the last access, updated_at) writes nothing either.
        await Database.ScalarAsync<int>(
            $"UPDATE public.files SET access_count = access_count + 1, last_accessed_at = now(), updated_at = now() WHERE id = '{file.Id}'; SELECT 1");
        Assert.Equal(before, await EntriesAsync());

        // A change that is an edit is still recorded, alone: the counters are not in it.
        await Database.ScalarAsync<int>(
            $"UPDATE public.files SET metadata = '{{\"note\": \"by psql\"}}', access_count = access_count + 1 WHERE id = '{file.Id}'; SELECT 1");
        var edit = Assert.Single(await _trail.HistoryAsync(Caller.Service, new RowHistoryRequest("files", file.Id)), e => e.Operation == AuditOperation.Update);
        Assert.Equal(["metadata"], Json(edit.NewValues).AsObject().Select(p => p.Key));
        Assert.Equal(before + 1, await EntriesAsync());
    }

    [Fact]
    public async Task PublishingAndActivatingPromptVersions_AreRecordedWithTheAdmin_AndHandingOutANumberIsNot()
    {
        var admin = await Database.CreateUserAsync("admin@example.test");
        var first = await _prompts.StoreVersionAsync(Caller.Admin(admin), new StorePromptVersionRequest("summarise", "kimi", "Summarise the text."));
        var promptId = first.Prompt.Id;
        Assert.Equal(1, first.Prompt.ActiveVersionNumber);

        // A second version, not activated: its insert is the entry; the prompt's last_version_number and updated_at move
        // without one.
        var second = await _prompts.StoreVersionAsync(Caller.Admin(admin), new StorePromptVersionRequest("summarise", "kimi", "Summarise it briefly."));
        var promptEntries = await _trail.HistoryAsync(Caller.Service, new RowHistoryRequest("system_prompts", promptId));
        Assert.Equal(AuditOperation.Insert, Assert.Single(promptEntries).Operation);

        var activated = await _prompts.ActivateAsync(Caller.Admin(admin), new ActivatePromptVersionRequest("summarise", "kimi", 2));
        Assert.Equal(2, activated.ActiveVersionNumber);

        var history = (await _trail.HistoryAsync(Caller.Service, new RowHistoryRequest("system_prompts", promptId))).Reverse().ToList();
        Assert.Equal(
            [(AuditOperation.Insert, (Guid?)admin, RlsClaims.AdminRole), (AuditOperation.Update, admin, RlsClaims.AdminRole)],
            history.Select(e => (e.Operation, e.ActorId, e.ActorRole)));
        Assert.All(history, e => Assert.Null(e.OwnerId));
        Assert.Equal(["activated_at", "active_version_number"], Json(history[1].NewValues).AsObject().Select(p => p.Key).Order());
        Assert.Equal(1, (int?)Json(history[1].OldValues)["active_version_number"]);
        Assert.Equal(2, (int?)Json(history[1].NewValues)["active_version_number"]);

        foreach (var version in new[] { first.Version, second.Version })
        {
            var published = Assert.Single(await _trail.HistoryAsync(Caller.Service, new RowHistoryRequest("prompt_versions", version.Id)));
            Assert.Equal((AuditOperation.Insert, (Guid?)admin, RlsClaims.AdminRole), (published.Operation, published.ActorId, published.ActorRole));
            Assert.Equal(version.Content, (string?)Json(published.NewValues)["content"]);
        }

        // Nobody owns a prompt: admins read its entries, a signed-in user none of them.
        var user = await Database.CreateUserAsync();
        Assert.Empty(await _trail.HistoryAsync(Caller.User(user), new RowHistoryRequest("system_prompts", promptId)));
        Assert.Equal(2, (await _trail.HistoryAsync(Caller.Admin(admin), new RowHistoryRequest("system_prompts", promptId))).Count);
    }

    [Fact]
    public async Task ARefusedActivation_WritesNoEntry()
    {
        var (admin, user) = (await Database.CreateUserAsync("admin@example.test"), await Database.CreateUserAsync());
        await _prompts.StoreVersionAsync(Caller.Admin(admin), new StorePromptVersionRequest("summarise", "kimi", "Summarise the text."));
        await _prompts.StoreVersionAsync(Caller.Admin(admin), new StorePromptVersionRequest("summarise", "kimi", "Summarise it briefly."));
        var before = await EntriesAsync();

        await Assert.ThrowsAsync<RlsViolationException>(
            () => _prompts.ActivateAsync(Caller.User(user), new ActivatePromptVersionRequest("summarise", "kimi", 2)));

        Assert.Equal(before, await EntriesAsync());
        Assert.Equal(1, await Database.ScalarAsync<int>("SELECT active_version_number FROM public.system_prompts"));
    }

    private static JsonNode Json(string? json) => JsonNode.Parse(json ?? "null") ?? throw new InvalidOperationException("No values were recorded.");

    /// <summary>A status move is one entry: the status, and the time the status trigger set with it.</summary>
    private static void AssertStatusMove(AuditEntryDto entry, string from, string to, string stamp)
    {
        Assert.Equal(AuditOperation.Update, entry.Operation);
        Assert.Equal(from, (string?)Json(entry.OldValues)["status"]);
        Assert.Equal(to, (string?)Json(entry.NewValues)["status"]);
        Assert.Null(Json(entry.OldValues)[stamp]);
        Assert.NotNull(Json(entry.NewValues)[stamp]);
        Assert.Equal(new[] { stamp, "status" }, Json(entry.NewValues).AsObject().Select(p => p.Key).Order());
    }

    private async Task<long> EntriesAsync() => await Database.ScalarAsync<long>("SELECT count(*) FROM public.audit_logs");
}
