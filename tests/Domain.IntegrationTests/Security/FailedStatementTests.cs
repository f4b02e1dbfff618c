using Domain.Application;
using Domain.Application.Common;
using Domain.Application.Sessions;
using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence;
using Domain.Persistence.Rls;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

namespace Domain.IntegrationTests.Security;

/// <summary>
/// A statement that fails on its parameters must not make a later statement on the same connection misreport. With
/// automatic preparation (the layer's default), Npgsql 10.0.3 kept a statement whose first, preparing execution failed
/// while PostgreSQL bound its parameters as prepared without its result description (npgsql/npgsql#6391); the next
/// execution of that text, by anyone, ran (and committed) and then threw "Received unexpected backend message DataRow".
/// </summary>
public sealed class FailedStatementTests(MigratedDatabase database) : DatabaseTest(database)
{
    private const string Rename = """UPDATE public.sessions SET title = @title WHERE id = @id RETURNING title AS "Value" """;

    [Fact]
    public async Task ARevisionRefusedForItsInput_DoesNotMakeTheNextUsersRevisionReportFailure()
    {
        var (ada, grace) = (await Database.CreateUserAsync(), await Database.CreateUserAsync());
        var adaSession = await Database.SessionWithOneOfEachAsync(ada);
        var graceSession = await Database.SessionWithOneOfEachAsync(grace);
        await using var services = new ServiceCollection()
            .AddSingleton(Database.OneConnectionContexts("failed-statement-store"))
            .AddDomainApplication()
            .BuildServiceProvider();
        var store = services.GetRequiredService<SessionStore>();
        await store.AddRevisionAsync(Caller.User(grace), graceSession.Id, new("""{"warm":true}""", null));

        await Assert.ThrowsAsync<ValidationException>(
            () => store.AddRevisionAsync(Caller.User(ada), adaSession.Id, new("""{"a":1}""", "s\0s")));
        var added = await store.AddRevisionAsync(Caller.User(grace), graceSession.Id, new("""{"by":"grace"}""", null));

        Assert.Equal(3, added.RevisionNumber);
        Assert.Equal(3L, await Database.ScalarAsync<long>(
            "SELECT count(*) FROM public.session_revisions WHERE session_id = @s", ("s", graceSession.Id)));
        Assert.Equal(1L, await Database.ScalarAsync<long>(
            "SELECT count(*) FROM public.session_revisions WHERE session_id = @s", ("s", adaSession.Id)));
    }

    [Theory]
    [InlineData("a\0b")]
    [InlineData("x")]
    public async Task AStatementThatFailsWhileItIsPrepared_RunsAndReportsCorrectlyNextTime(string failingWith)
    {
        var user = await Database.CreateUserAsync();
        var session = await Database.SessionWithOneOfEachAsync(user);
        var contexts = Database.OneConnectionContexts($"failed-statement-{failingWith.Length}");
        try
        {
            Assert.Equal("first", await RenameAsync(contexts, user, session.Id, "first"));

            // The second execution of a text is the one Npgsql prepares. NUL is refused by PostgreSQL while it binds
            // the parameter; an over-long title while it plans the statement with the value.
            var bad = failingWith == "x" ? new string('x', 201) : failingWith;
            await Assert.ThrowsAsync<PostgresException>(() => RenameAsync(contexts, user, session.Id, bad));

            Assert.Equal("third", await RenameAsync(contexts, user, session.Id, "third"));
            Assert.Equal("fourth", await RenameAsync(contexts, user, session.Id, "fourth"));
            Assert.Equal("fourth", await Database.ScalarAsync<string>("SELECT title FROM public.sessions WHERE id = @s", ("s", session.Id)));
        }
        finally
        {
            contexts.ClearPool();
        }
    }

    [Fact]
    public async Task AStatementThatFailsWhileItIsPrepared_InsideATransaction_RunsAndReportsCorrectlyNextTime()
    {
        var user = await Database.CreateUserAsync();
        var session = await Database.SessionWithOneOfEachAsync(user);
        var contexts = Database.OneConnectionContexts("failed-statement-transaction");
        try
        {
            Assert.Equal("first", await RenameAsync(contexts, user, session.Id, "first"));
            await using (var db = contexts.ForUser(user))
            {
                await using var transaction = await db.Database.BeginTransactionAsync();
                await Assert.ThrowsAsync<PostgresException>(() => RenameAsync(db, session.Id, "a\0b"));
                await transaction.RollbackAsync();
            }

            Assert.Equal("third", await RenameAsync(contexts, user, session.Id, "third"));
            await using (var db = contexts.ForUser(user))
            {
                await using var transaction = await db.Database.BeginTransactionAsync();
                Assert.Equal("fourth", await RenameAsync(db, session.Id, "fourth"));
                await transaction.CommitAsync();
            }

            Assert.Equal("fourth", await Database.ScalarAsync<string>("SELECT title FROM public.sessions WHERE id = @s", ("s", session.Id)));
        }
        finally
        {
            contexts.ClearPool();
        }
    }

    private static async Task<string> RenameAsync(DomainDbContextFactory contexts, Guid user, Guid sessionId, string title)
    {
        await using var db = contexts.ForUser(user);
        return await RenameAsync(db, sessionId, title);
    }

    private static async Task<string> RenameAsync(DomainDbContext db, Guid sessionId, string title)
        => (await db.Database.SqlQueryRaw<string>(
                Rename,
                new NpgsqlParameter("title", NpgsqlDbType.Text) { Value = title },
                new NpgsqlParameter("id", NpgsqlDbType.Uuid) { Value = sessionId })
            .ToListAsync()).Single();
}
