using Domain.Application.Common;
using Domain.Application.Files;
using Domain.Application.Identity;
using Domain.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Domain.IntegrationTests.ScaleOut;

/// <summary>
/// Where the stores that came with files and identity read when a replica is configured: the file registry's reads and
/// the API key list on the standby (so they miss what another instance of the application wrote while the standby is
/// behind), the orphan report and key verification on the primary (so they never do), and a caller's own writes read
/// back at once.
/// </summary>
[Collection(ReplicatedCollection.Name)]
public sealed class StoreReadsOnTheStandbyTests(ReplicatedDatabase database) : IAsyncLifetime
{
    private static readonly TimeSpan ShortWait = TimeSpan.FromMilliseconds(100);

    public Task InitializeAsync() => database.ResetAsync();

    public Task DisposeAsync() => database.ResumeReplayAsync();

    [Fact]
    public async Task FileReads_GoToTheStandby_TheOrphanReportToThePrimary_AndTheCallersOwnWritesAreReadBack()
    {
        await using var services = ReplicatedDatabase.ApplicationOver(database.NewContexts(ShortWait));
        await using var otherInstance = ReplicatedDatabase.ApplicationOver(database.NewContexts(ShortWait));
        var files = services.GetRequiredService<FileStore>();
        var alice = Caller.User(await database.CreateUserAsync());
        var replayed = (await files.RegisterAsync(alice, Request("replayed"))).File;
        await database.CaughtUpAsync();
        await database.PauseReplayAsync();

        // Written through another instance: this one has no position to wait for, so its reads stay on the standby.
        var elsewhere = (await otherInstance.GetRequiredService<FileStore>().RegisterAsync(alice, Request("elsewhere"))).File;

        Assert.Equal([replayed.Id], (await files.ListAsync(alice, new ListFilesRequest())).Select(f => f.Id));
        Assert.Null(await files.GetAsync(alice, elsewhere.Id));
        Assert.Null(await files.FindByContentAsync(alice, elsewhere.Sha256));
        await Assert.ThrowsAsync<NotFoundException>(() => files.OpenAsync(alice, elsewhere.Id));
        await Assert.ThrowsAsync<NotFoundException>(() => files.GetProviderUploadsAsync(alice, elsewhere.Id));
        var orphans = await files.FindOrphansAsync(alice, new FindOrphansRequest(GracePeriod: TimeSpan.Zero));
        Assert.Contains(elsewhere.Id, orphans.StuckUploaded.Select(f => f.Id));

        // The caller's own write, while the standby is still behind: read from the primary.
        var own = (await files.RegisterAsync(alice, Request("own"))).File;
        Assert.Equal(own.Id, (await files.GetAsync(alice, own.Id))!.Id);

        await database.ResumeReplayAsync();
        await database.CaughtUpAsync();
        Assert.Equal(3, (await files.ListAsync(alice, new ListFilesRequest())).Count);
        Assert.Equal(elsewhere.Id, (await files.GetAsync(alice, elsewhere.Id))!.Id);
    }

    [Fact]
    public async Task ApiKeyList_GoesToTheStandby_AndVerification_ToThePrimary()
    {
        await using var services = ReplicatedDatabase.ApplicationOver(database.NewContexts(ShortWait));
        await using var otherInstance = ReplicatedDatabase.ApplicationOver(database.NewContexts(ShortWait));
        var keys = services.GetRequiredService<ApiKeyStore>();
        var alice = Caller.User(await database.CreateUserAsync());
        await database.PauseReplayAsync();

        var issued = await otherInstance.GetRequiredService<ApiKeyStore>().CreateAsync(alice, new CreateApiKeyRequest("ci", ["sessions:read"]));

        Assert.Empty(await keys.ListAsync(alice, new ListApiKeysRequest()));
        Assert.True((await keys.VerifyAsync(issued.Secret, ["sessions:read"])).Succeeded);

        await database.ResumeReplayAsync();
        await database.CaughtUpAsync();
        Assert.Equal([issued.Key.Id], (await keys.ListAsync(alice, new ListApiKeysRequest())).Select(k => k.Id));
    }

    private static RegisterFileRequest Request(string name)
    {
        var details = FileBuilder.Details(Guid.Empty, name);
        return new RegisterFileRequest(details.StoragePath.Replace(Guid.Empty.ToString(), Guid.NewGuid().ToString(), StringComparison.Ordinal),
            details.OriginalName, details.MimeType, details.SizeBytes, details.Sha256);
    }
}
