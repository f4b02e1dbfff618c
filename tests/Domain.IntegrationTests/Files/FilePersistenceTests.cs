using Domain.Files;
using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence.Errors;
using Domain.Persistence.Files;
using Domain.Persistence.Rls;
using Microsoft.EntityFrameworkCore;

namespace Domain.IntegrationTests.Files;

/// <summary>The StoredFile aggregate through EF directly: saved with its copies, its deletion requested on the tracked aggregate, and what an access flush does to its version.</summary>
public sealed class FilePersistenceTests(MigratedDatabase database) : DatabaseTest(database)
{
    [Fact]
    public async Task RequestingDeletion_OnTheTrackedAggregate_SavesTheStatus_AndTheDatabaseQueuesTheJobsAndMovesTheCopies()
    {
        var alice = await Database.CreateUserAsync();
        var file = await Database.FileAsync(alice, "tracked.pdf", "openai", "kimi");

        await using (var db = Database.ContextFor(RlsClaims.ForUser(alice)))
        {
            var tracked = await db.Files.Include(f => f.ProviderUploads).SingleAsync(f => f.Id == file.Id);
            Assert.True(tracked.RequestDeletion());
            await db.SaveChangesAsync();

            Assert.Equal(FileStatus.Deleting, tracked.Status);
            Assert.NotNull(tracked.DeletionRequestedAt);
        }

        await using var backend = Database.ContextFor(RlsClaims.Service);
        Assert.Equal(3, await backend.FileDeletionJobs.CountAsync(j => j.FileId == file.Id));
        Assert.All(await backend.ProviderUploads.Where(u => u.FileId == file.Id).ToListAsync(), u => Assert.Equal(ProviderUploadStatus.Deleting, u.Status));
    }

    [Fact]
    public async Task AnAccessFlush_ChangesTheRowsVersion_SoATrackedSaveAfterItConflicts_AndAReloadSucceeds()
    {
        var alice = await Database.CreateUserAsync();
        var file = await Database.FileAsync(alice, "versioned.pdf");
        await using var db = Database.ContextFor(RlsClaims.ForUser(alice));
        var tracked = await db.Files.SingleAsync(f => f.Id == file.Id);

        await using (var backend = Database.ContextFor(RlsClaims.Service))
        {
            Assert.Empty(await backend.FlushFileAccessesAsync([new FileAccessTally(file.Id, 3, DateTimeOffset.UtcNow)]));
        }

        tracked.ReplaceMetadata("""{"tag":"a"}""");
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => db.SaveChangesAsync());

        db.ChangeTracker.Clear();
        var reloaded = await db.Files.SingleAsync(f => f.Id == file.Id);
        reloaded.ReplaceMetadata("""{"tag":"a"}""");
        await db.SaveChangesAsync();
        Assert.Equal(3L, reloaded.AccessCount);
    }
}
