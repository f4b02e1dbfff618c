using Domain.Application;
using Domain.Application.Common;
using Domain.Application.Sessions;
using Domain.Common;
using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence.Errors;
using Domain.Persistence.Rls;
using Domain.Sessions;
using Domain.Persistence.Sessions;
using FluentValidation;
using Mapster;
using Microsoft.Extensions.DependencyInjection;

namespace Domain.IntegrationTests.Sessions;

/// <summary>
/// <see cref="SessionStore"/> as the application layer registers it, over a context factory that records what is
/// sent, so each case shows both its error and that nothing was written.
/// </summary>
public sealed class SessionStoreTests : DatabaseTest
{
    private readonly CommandCounter _counter = new();
    private readonly ServiceProvider _services;
    private readonly SessionStore _store;

    public SessionStoreTests(MigratedDatabase database)
        : base(database)
    {
        _services = new ServiceCollection()
            .AddSingleton(_counter.ContextsFor(database.AppConnectionString))
            .AddDomainApplication()
            .BuildServiceProvider();
        _store = _services.GetRequiredService<SessionStore>();
    }

    /// <summary>Not enumerated at discovery: a lone surrogate does not survive the runner's serialization of test cases.</summary>
    public static TheoryData<string, string?, string> InvalidRequests => new()
    {
        { "[]", null, nameof(AddRevisionRequest.Ir) },
        { "{not json", null, nameof(AddRevisionRequest.Ir) },
        { "", null, nameof(AddRevisionRequest.Ir) },
        { """{"step":2}""", new string('s', SessionLimits.ChangeSummaryMaxLength + 1), nameof(AddRevisionRequest.ChangeSummary) },
        { """{"step":2}""", "s\0s", nameof(AddRevisionRequest.ChangeSummary) },
        { """{"step":2}""", "x\ud800", nameof(AddRevisionRequest.ChangeSummary) },
        { """{"step":"\u0000"}""", null, nameof(AddRevisionRequest.Ir) },
        { """{"step":"\ud800"}""", null, nameof(AddRevisionRequest.Ir) },
        { "{\"step\":\"\ud800\"}", null, nameof(AddRevisionRequest.Ir) },
        { """{"step":1e200000}""", null, nameof(AddRevisionRequest.Ir) },
        { """{"step":1,"step":2}""", null, nameof(AddRevisionRequest.Ir) },
    };

    public override async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task AddRevision_ToOwnActiveSession_ReturnsTheStoredRevision_InOneCommand()
    {
        var alice = await Database.CreateUserAsync();
        var session = await Database.SessionWithOneOfEachAsync(alice);
        _counter.Clear();

        var revision = await _store.AddRevisionAsync(Caller.User(alice), session.Id, new AddRevisionRequest("""{"step":2}""", "second"));

        Assert.Single(_counter.Commands);
        Assert.Equal(0, _counter.TransactionsStarted);
        Assert.Equal(2, revision.RevisionNumber);
        Assert.Equal("second", revision.ChangeSummary);
        var stored = (await Database.RevisionsAsync(session.Id))[^1];
        Assert.Equal(revision.Id, stored.Id);
        Assert.Equal(2, stored.RevisionNumber);
        Assert.True(StoredRows.SameJson(revision.Ir, stored.Ir), stored.Ir);
        var (count, last, currentIr) = await Database.RevisionStateAsync(session.Id);
        Assert.Equal((2, 2), (count, last));
        Assert.True(StoredRows.SameJson("""{"step":2}""", currentIr), currentIr);
    }

    [Fact]
    public async Task AddRevision_ToMissingSession_ThrowsNotFound_AndWritesNothing()
    {
        var alice = await Database.CreateUserAsync();
        var missing = Guid.CreateVersion7();

        var ex = await Assert.ThrowsAsync<NotFoundException>(
            () => _store.AddRevisionAsync(Caller.User(alice), missing, new AddRevisionRequest("""{"step":1}""", null)));

        Assert.Equal(missing, ex.Id);
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.session_revisions"));
    }

    [Theory]
    [InlineData("another user")]
    [InlineData("anon")]
    public async Task AddRevision_ToSessionTheCallerCannotSee_ThrowsNotFound_AndWritesNothing(string caller)
    {
        var alice = await Database.CreateUserAsync();
        var bob = await Database.CreateUserAsync();
        var session = await Database.SessionWithOneOfEachAsync(alice);
        var before = await Database.SnapshotAsync(session.Id);

        var ex = await Assert.ThrowsAsync<NotFoundException>(() => _store.AddRevisionAsync(
            caller == "anon" ? Caller.Anonymous : Caller.User(bob), session.Id, new AddRevisionRequest("""{"planted":true}""", null)));

        Assert.Equal(session.Id, ex.Id);
        Assert.Equal(before, await Database.SnapshotAsync(session.Id));
    }

    [Fact]
    public async Task AddRevision_AsAdminToAnotherUsersSession_IsRefusedByRls_NotReportedAsARetryableConflict()
    {
        var alice = await Database.CreateUserAsync();
        var admin = await Database.CreateUserAsync();
        var session = await Database.SessionWithOneOfEachAsync(alice);
        var before = await Database.SnapshotAsync(session.Id);

        var ex = await Assert.ThrowsAsync<RlsViolationException>(
            () => _store.AddRevisionAsync(Caller.Admin(admin), session.Id, new AddRevisionRequest("""{"planted":true}""", null)));

        Assert.False(ex.IsRetryable);
        Assert.Equal(before, await Database.SnapshotAsync(session.Id));
    }

    [Theory]
    [InlineData(SessionStatus.Finalized, "session.finalized")]
    [InlineData(SessionStatus.Archived, "session.archived")]
    public async Task AddRevision_WhenSessionIsNotActive_ThrowsTheDomainsError_AndWritesNothing(SessionStatus status, string code)
    {
        var alice = await Database.CreateUserAsync();
        var session = await Database.SessionInStatusAsync(alice, status);
        var before = await Database.SnapshotAsync(session.Id);

        var ex = await Assert.ThrowsAsync<DomainException>(
            () => _store.AddRevisionAsync(Caller.User(alice), session.Id, new AddRevisionRequest("""{"step":2}""", null)));

        Assert.Equal(code, ex.Code);
        Assert.Equal(before, await Database.SnapshotAsync(session.Id));
    }

    [Theory]
    [MemberData(nameof(InvalidRequests), DisableDiscoveryEnumeration = true)]
    public async Task AddRevision_WithInvalidRequest_ThrowsValidationException_AndSendsNothing(string ir, string? changeSummary, string field)
    {
        var alice = await Database.CreateUserAsync();
        var session = await Database.SessionWithOneOfEachAsync(alice);
        var before = await Database.SnapshotAsync(session.Id);
        _counter.Clear();

        var ex = await Assert.ThrowsAsync<ValidationException>(
            () => _store.AddRevisionAsync(Caller.User(alice), session.Id, new AddRevisionRequest(ir, changeSummary)));

        Assert.Contains(ex.Errors, e => e.PropertyName == field);
        Assert.Empty(_counter.Commands);
        Assert.Equal(before, await Database.SnapshotAsync(session.Id));
    }

    [Fact]
    public async Task List_WalksTheCallersSessionsPageByPage_NewestFirst_AndNoOneElses()
    {
        var alice = await Database.CreateUserAsync();
        var bob = await Database.CreateUserAsync();
        for (var i = 0; i < 25; i++)
        {
            await _store.CreateAsync(Caller.User(alice), new CreateSessionRequest($"alice {i}", null));
            await _store.CreateAsync(Caller.User(bob), new CreateSessionRequest($"bob {i}", null));
        }

        var pages = new List<IReadOnlyList<SessionDto>>();
        SessionDto? after = null;
        do
        {
            pages.Add(await _store.ListAsync(Caller.User(alice), after is null ? new ListSessionsRequest(10) : ListSessionsRequest.NextPage(after, 10)));
            after = pages[^1].LastOrDefault();
        }
        while (after is not null);

        Assert.Equal([10, 10, 5, 0], pages.Select(p => p.Count));
        var listed = pages.SelectMany(p => p).ToList();
        Assert.All(listed, s => Assert.Equal(alice, s.UserId));
        var expected = await Database.ScalarAsync<Guid[]>(
            "SELECT array_agg(id ORDER BY created_at DESC, id DESC) FROM public.sessions WHERE user_id = @u", ("u", alice));
        Assert.Equal(expected, listed.Select(s => s.Id));
    }

    [Fact]
    public async Task Get_ReadsTheSnapshot_InOneCommand()
    {
        var alice = await Database.CreateUserAsync();
        var sessionId = await Database.RichSessionAsync(alice);

        var details = await _store.GetAsync(Caller.User(alice), sessionId);

        Assert.NotNull(details);
        Assert.Equal(4, details.Revisions.Count);
        Assert.Single(_counter.Commands);
        await using var db = Database.ContextFor(RlsClaims.ForUser(alice));
        var mapping = _services.GetRequiredService<TypeAdapterConfig>();
        SessionSnapshotTests.AssertSameDetails((await db.LoadSessionAggregateAsync(sessionId))!.Adapt<SessionDetailsDto>(mapping), details);
    }
}
