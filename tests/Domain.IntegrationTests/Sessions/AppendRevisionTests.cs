using Domain.Common;
using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence.Sessions;
using Domain.Persistence.Rls;
using Domain.Sessions;

namespace Domain.IntegrationTests.Sessions;

public sealed class AppendRevisionTests(MigratedDatabase database) : DatabaseTest(database)
{
    private const int Writers = 16;

    private static readonly DateTimeOffset Noon = new(2026, 11, 23, 12, 0, 0, TimeSpan.FromHours(2));

    public static TheoryData<string, string> IrsThatAreNotJsonObjects => new()
    {
        { "[]", "ir.wrong_kind" },
        { "\"text\"", "ir.wrong_kind" },
        { "42", "ir.wrong_kind" },
        { "{not json", "ir.invalid_json" },
        { "", "ir.required" },
        { "   ", "ir.required" },
    };

    [Fact]
    public async Task AppendRevision_ToFreshSession_NumbersFromOne_StoresEachRevision_AndCurrentIrFollows()
    {
        var alice = await Database.CreateUserAsync();
        var session = await FreshSessionAsync(alice);

        var appended = new List<AppendedRevision>();
        for (var step = 1; step <= 3; step++)
        {
            await using var db = Database.ContextFor(RlsClaims.ForUser(alice));
            var revision = await db.AppendRevisionAsync(session.Id, $$"""{"step":{{step}},"tags":["a","b"]}""", $"step {step}", Noon.AddMinutes(step));
            Assert.NotNull(revision);
            appended.Add(revision);
        }

        Assert.Equal([1, 2, 3], appended.Select(a => a.RevisionNumber));
        Assert.All(appended, a => Assert.Equal(session.Id, a.SessionId));
        var stored = await Database.RevisionsAsync(session.Id);
        Assert.Equal(appended.Select(a => a.Id), stored.Select(r => r.Id));
        Assert.Equal([1, 2, 3], stored.Select(r => r.RevisionNumber));
        Assert.All(stored, r => Assert.Equal(alice, r.UserId));
        Assert.Equal(["step 1", "step 2", "step 3"], stored.Select(r => r.ChangeSummary));
        Assert.Equal([Noon.AddMinutes(1), Noon.AddMinutes(2), Noon.AddMinutes(3)], stored.Select(r => r.CreatedAt));
        Assert.All(stored, r => Assert.True(StoredRows.SameJson(appended[r.RevisionNumber - 1].Ir, r.Ir), r.Ir));

        var (count, last, currentIr) = await Database.RevisionStateAsync(session.Id);
        Assert.Equal(3, count);
        Assert.Equal(3, last);
        Assert.True(StoredRows.SameJson("""{"step":3,"tags":["a","b"]}""", currentIr), currentIr);
    }

    [Fact]
    public async Task AppendRevision_AfterRevisionsMadeThroughTheModel_ContinuesTheirNumbers()
    {
        var alice = await Database.CreateUserAsync();
        var session = await Database.SessionWithOneOfEachAsync(alice);

        await using var db = Database.ContextFor(RlsClaims.ForUser(alice));
        var second = await db.AppendRevisionAsync(session.Id, """{"step":2}""", null, Noon);

        Assert.Equal(2, second?.RevisionNumber);
        Assert.Null(second?.ChangeSummary);
        var stored = await Database.RevisionsAsync(session.Id);
        Assert.Equal([1, 2], stored.Select(r => r.RevisionNumber));
        Assert.Null(stored[1].ChangeSummary);
        Assert.Equal((2, 2), await CountersAsync(session.Id));
    }

    [Fact]
    public async Task AppendRevision_AfterTheNewestRevisionWasDeleted_NeverReusesItsNumber()
    {
        var alice = await Database.CreateUserAsync();
        var session = await Database.SessionWithOneOfEachAsync(alice);
        await AppendAsync(alice, session.Id, """{"step":2}""");
        await AppendAsync(alice, session.Id, """{"step":3}""");
        await Database.ScalarAsync<int>(
            "DELETE FROM public.session_revisions WHERE session_id = @id AND revision_number = 3", ("id", session.Id));

        var next = await AppendAsync(alice, session.Id, """{"step":4}""");

        Assert.Equal(4, next?.RevisionNumber);
        Assert.Equal([1, 2, 4], (await Database.RevisionsAsync(session.Id)).Select(r => r.RevisionNumber));
        Assert.Equal((3, 4), await CountersAsync(session.Id));
    }

    [Theory]
    [InlineData("another user")]
    [InlineData("admin")]
    [InlineData("anon")]
    public async Task AppendRevision_ByCallerWhoMayNotChangeTheSession_ReturnsNull_AndWritesNothing(string caller)
    {
        var alice = await Database.CreateUserAsync();
        var other = await Database.CreateUserAsync();
        var session = await Database.SessionWithOneOfEachAsync(alice);
        var claims = caller switch
        {
            "another user" => RlsClaims.ForUser(other),
            "admin" => RlsClaims.ForAdmin(other),
            _ => RlsClaims.Anonymous,
        };
        var before = await Database.SnapshotAsync(session.Id);

        await using var db = Database.ContextFor(claims);
        var appended = await db.AppendRevisionAsync(session.Id, """{"planted":true}""", "planted", Noon);

        Assert.Null(appended);
        Assert.Equal(before, await Database.SnapshotAsync(session.Id));
    }

    [Fact]
    public async Task AppendRevision_AsAdmin_ToOwnSession_Appends()
    {
        var admin = await Database.CreateUserAsync();
        var session = await Database.SessionWithOneOfEachAsync(admin);

        await using var db = Database.ContextFor(RlsClaims.ForAdmin(admin));
        var appended = await db.AppendRevisionAsync(session.Id, """{"step":2}""", null, Noon);

        Assert.Equal(2, appended?.RevisionNumber);
        Assert.Equal((2, 2), await CountersAsync(session.Id));
    }

    [Theory]
    [InlineData(SessionStatus.Finalized)]
    [InlineData(SessionStatus.Archived)]
    public async Task AppendRevision_WhenSessionIsNotActive_ReturnsNull_AndWritesNothing(SessionStatus status)
    {
        var alice = await Database.CreateUserAsync();
        var session = await Database.SessionInStatusAsync(alice, status);
        var before = await Database.SnapshotAsync(session.Id);

        var appended = await AppendAsync(alice, session.Id, """{"step":2}""");

        Assert.Null(appended);
        Assert.Equal(before, await Database.SnapshotAsync(session.Id));
    }

    [Fact]
    public async Task AppendRevision_ToMissingSession_ReturnsNull_AndWritesNothing()
    {
        var alice = await Database.CreateUserAsync();

        var appended = await AppendAsync(alice, Guid.CreateVersion7(), """{"step":1}""");

        Assert.Null(appended);
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.session_revisions"));
    }

    [Theory]
    [MemberData(nameof(IrsThatAreNotJsonObjects))]
    public async Task AppendRevision_WithIrThatIsNotAJsonObject_ThrowsDomainException_AndSendsNothing(string ir, string code)
    {
        var ex = await AssertRefusedBeforeSendingAsync(ir, "summary");

        Assert.Equal(code, ex.Code);
    }

    [Fact]
    public async Task AppendRevision_WithIrOverTheLimit_ThrowsDomainException_AndSendsNothing()
    {
        var ir = $$"""{"x":"{{new string('a', SessionLimits.IrMaxLength)}}"}""";

        var ex = await AssertRefusedBeforeSendingAsync(ir, "summary");

        Assert.Equal("ir.too_long", ex.Code);
    }

    [Fact]
    public async Task AppendRevision_WithChangeSummaryOverTheLimit_ThrowsDomainException_AndSendsNothing()
    {
        var ex = await AssertRefusedBeforeSendingAsync("""{"step":2}""", new string('s', SessionLimits.ChangeSummaryMaxLength + 1));

        Assert.Equal("change_summary.too_long", ex.Code);
    }

    [Fact]
    public async Task AppendRevision_SendsExactlyOneCommand_CarryingTheClaims_AndStartsNoTransaction()
    {
        var alice = await Database.CreateUserAsync();
        var bob = await Database.CreateUserAsync();
        var session = await Database.SessionWithOneOfEachAsync(alice);
        var counter = new CommandCounter();
        var contexts = counter.ContextsFor(Database.AppConnectionString);

        await using (var db = contexts.ForUser(alice))
        {
            Assert.NotNull(await db.AppendRevisionAsync(session.Id, """{"step":2}""", null, Noon));
        }

        var command = Assert.Single(counter.Commands);
        Assert.StartsWith(ClaimsStatement.StatementSql, command, StringComparison.Ordinal);
        Assert.Contains("INSERT INTO public.session_revisions", command, StringComparison.Ordinal);
        Assert.Equal(0, counter.TransactionsStarted);

        counter.Clear();
        await using (var db = contexts.ForUser(bob))
        {
            Assert.Null(await db.AppendRevisionAsync(session.Id, """{"step":3}""", null, Noon));
        }

        Assert.Single(counter.Commands);
        Assert.Equal(0, counter.TransactionsStarted);
        Assert.Equal((2, 2), await CountersAsync(session.Id));
    }

    [Fact]
    public async Task AppendRevision_SixteenConcurrentWriters_AllLandWithoutRetry_NumbersUniqueAndDense_CountersExact()
    {
        var alice = await Database.CreateUserAsync();
        var session = await Database.SessionWithOneOfEachAsync(alice);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var writers = Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            await using var db = Database.ContextFor(RlsClaims.ForUser(alice));
            await start.Task;
            return await db.AppendRevisionAsync(session.Id, $$"""{"writer":{{writer}}}""", $"writer {writer}", Clock.GetUtcNow());
        })).ToList();
        start.SetResult();
        var appended = await Task.WhenAll(writers);

        Assert.All(appended, a => Assert.NotNull(a));
        Assert.Equal(Enumerable.Range(2, Writers), appended.Select(a => a!.RevisionNumber).Order());
        var stored = await Database.RevisionsAsync(session.Id);
        Assert.Equal(Enumerable.Range(1, Writers + 1), stored.Select(r => r.RevisionNumber));
        Assert.Equal(Writers + 1, stored.Select(r => r.Id).Distinct().Count());
        Assert.All(appended, a => Assert.Equal(a!.Id, stored.Single(r => r.RevisionNumber == a.RevisionNumber).Id));

        var (count, last, currentIr) = await Database.RevisionStateAsync(session.Id);
        Assert.Equal(Writers + 1, count);
        Assert.Equal(Writers + 1, last);
        Assert.True(StoredRows.SameJson(stored[^1].Ir, currentIr), $"current_ir {currentIr} is not the newest revision's {stored[^1].Ir}");
    }

    private async Task<AppendedRevision?> AppendAsync(Guid userId, Guid sessionId, string ir)
    {
        await using var db = Database.ContextFor(RlsClaims.ForUser(userId));
        return await db.AppendRevisionAsync(sessionId, ir, null, Clock.GetUtcNow());
    }

    private async Task<DomainException> AssertRefusedBeforeSendingAsync(string ir, string? changeSummary)
    {
        var alice = await Database.CreateUserAsync();
        var session = await Database.SessionWithOneOfEachAsync(alice);
        var before = await Database.SnapshotAsync(session.Id);
        var counter = new CommandCounter();

        await using var db = counter.ContextsFor(Database.AppConnectionString).ForUser(alice);
        var ex = await Assert.ThrowsAsync<DomainException>(() => db.AppendRevisionAsync(session.Id, ir, changeSummary, Noon));

        Assert.Empty(counter.Commands);
        Assert.Equal(before, await Database.SnapshotAsync(session.Id));
        return ex;
    }

    private async Task<Session> FreshSessionAsync(Guid userId)
    {
        await using var db = Database.ContextFor(RlsClaims.ForUser(userId));
        var session = Session.Create(userId, "fresh", null, Clock.GetUtcNow());
        db.Sessions.Add(session);
        await db.SaveChangesAsync();
        return session;
    }

    private async Task<(int RevisionCount, int LastRevisionNumber)> CountersAsync(Guid sessionId)
    {
        var (count, last, _) = await Database.RevisionStateAsync(sessionId);
        return (count, last);
    }
}
