using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence.Errors;
using Domain.Persistence.Rls;
using Microsoft.EntityFrameworkCore;

namespace Domain.IntegrationTests.Security;

/// <summary>
/// Refusals of writes that bypass SaveChanges (ExecuteUpdate, ExecuteDelete, raw SQL) arrive as the layer's exception
/// types, like those of SaveChanges, and change nothing.
/// </summary>
public sealed class BulkWriteRefusalTests(MigratedDatabase database) : DatabaseTest(database)
{
    [Fact]
    public async Task ExecuteUpdateOfTheOwner_IsAnRlsViolation_AndChangesNothing()
    {
        var (alice, bob) = (await Database.CreateUserAsync(), await Database.CreateUserAsync());
        await Database.SessionWithOneOfEachAsync(alice);
        await using var db = Database.ContextFor(RlsClaims.ForUser(alice));

        await Assert.ThrowsAsync<RlsViolationException>(() => db.Sessions.ExecuteUpdateAsync(u => u.SetProperty(s => s.UserId, bob)));

        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.sessions WHERE user_id = @u", ("u", alice)));
    }

    [Fact]
    public async Task ExecuteUpdateOfACounterTheDatabaseKeeps_IsAnRlsViolation_AndChangesNothing()
    {
        var alice = await Database.CreateUserAsync();
        await Database.SessionWithOneOfEachAsync(alice);
        await using var db = Database.ContextFor(RlsClaims.ForUser(alice));

        await Assert.ThrowsAsync<RlsViolationException>(() => db.Sessions.ExecuteUpdateAsync(u => u.SetProperty(s => s.RevisionCount, 99)));
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            Assert.Throws<RlsViolationException>(() => db.Sessions.ExecuteUpdate(u => u.SetProperty(s => s.RevisionCount, 99)));
        }

        Assert.Equal(1, await Database.ScalarAsync<int>("SELECT revision_count FROM public.sessions"));
    }

    [Fact]
    public async Task ExecuteDeleteOfAppendOnlyHistory_IsAnRlsViolation_AndDeletesNothing()
    {
        var alice = await Database.CreateUserAsync();
        await Database.SessionWithOneOfEachAsync(alice);
        await using var db = Database.ContextFor(RlsClaims.ForUser(alice));

        await Assert.ThrowsAsync<RlsViolationException>(() => db.SessionRevisions.ExecuteDeleteAsync());

        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.session_revisions"));
    }
}
