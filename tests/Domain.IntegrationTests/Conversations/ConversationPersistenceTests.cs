using Domain.Common;
using Domain.Conversations;
using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence.Errors;
using Domain.Persistence.Rls;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Domain.IntegrationTests.Conversations;

/// <summary>The Conversation aggregate on PostgreSQL: numbering, counters, ownership, RLS and concurrency.</summary>
public sealed class ConversationPersistenceTests(MigratedDatabase database) : DatabaseTest(database)
{
    [Fact]
    public async Task Messages_AreNumberedInOrder_AndTheCountersFollowAtCommit()
    {
        var alice = await Database.CreateUserAsync();
        var now = Clock.GetUtcNow();
        var conversation = Conversation.Create(alice, "first chat", now, continuationId: "cont-1");
        conversation.AddMessage(MessageRole.System, "You are terse.", now);
        conversation.AddMessage(MessageRole.User, "Hello", now.AddSeconds(1), tokenCount: 2);
        await using (var db = Database.ContextFor(RlsClaims.ForUser(alice)))
        {
            db.Conversations.Add(conversation);
            await db.SaveChangesAsync();
        }

        await using (var db = Database.ContextFor(RlsClaims.ForUser(alice)))
        {
            var loaded = await db.Conversations.Include(c => c.Messages).SingleAsync();
            Assert.Equal(2, loaded.MessageCount);
            Assert.Equal(now.AddSeconds(1).ToUnixTimeMilliseconds(), loaded.LastMessageAt!.Value.ToUnixTimeMilliseconds());
            loaded.AddMessage(MessageRole.Assistant, "Hi.", now.AddSeconds(2), tokenCount: 1, metadataJson: """{"model":"m1"}""");
            await db.SaveChangesAsync();
        }

        await using (var db = Database.ContextFor(RlsClaims.ForUser(alice)))
        {
            var loaded = await db.Conversations.AsNoTracking().Include(c => c.Messages).SingleAsync();
            Assert.Equal([1, 2, 3], loaded.Messages.OrderBy(m => m.Sequence).Select(m => m.Sequence));
            Assert.Equal([MessageRole.System, MessageRole.User, MessageRole.Assistant], loaded.Messages.OrderBy(m => m.Sequence).Select(m => m.Role));
            Assert.Equal(3, loaded.MessageCount);
            Assert.Equal(3, loaded.LastSequence);
            Assert.Equal(3L, await Database.ScalarAsync<long>("SELECT total_tokens FROM public.conversation_summary WHERE id = @id", ("id", loaded.Id)));
        }
    }

    [Fact]
    public async Task AnotherUser_SeesNoConversationOrMessage_AndCannotAppendUnderIt()
    {
        var alice = await Database.CreateUserAsync();
        var bob = await Database.CreateUserAsync();
        var conversation = await ConversationWithMessagesAsync(alice, 2);

        await using (var db = Database.ContextFor(RlsClaims.ForUser(bob)))
        {
            Assert.Equal(0, await db.Conversations.CountAsync());
            Assert.Equal(0, await db.Messages.CountAsync());
            Assert.Null(await db.Conversations.SingleOrDefaultAsync(c => c.Id == conversation.Id));
        }

        await using (var db = Database.ContextFor(RlsClaims.Anonymous))
        {
            Assert.Equal(0, await db.Messages.CountAsync());
        }

        // As bob's own row the composite key finds no conversation of bob's; as alice's row RLS refuses it.
        var insert = $"INSERT INTO public.messages (id, conversation_id, user_id, sequence, role, content) VALUES (gen_random_uuid(), '{conversation.Id}', '{{0}}', 9, 'user', 'planted')";
        var fk = await Assert.ThrowsAsync<ReferenceViolationException>(() => ExecuteAsUserAsync(bob, string.Format(System.Globalization.CultureInfo.InvariantCulture, insert, bob)));
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, fk.SqlState);
        var rls = await Assert.ThrowsAsync<RlsViolationException>(() => ExecuteAsUserAsync(bob, string.Format(System.Globalization.CultureInfo.InvariantCulture, insert, alice)));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, rls.SqlState);

        Assert.Equal(2L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.messages"));
    }

    [Fact]
    public async Task Messages_AreHistory_OwnersCanNeitherEditNorDeleteThem()
    {
        var alice = await Database.CreateUserAsync();
        await ConversationWithMessagesAsync(alice, 1);

        var update = await Assert.ThrowsAsync<RlsViolationException>(() => ExecuteAsUserAsync(alice, "UPDATE public.messages SET content = 'rewritten'"));
        var delete = await Assert.ThrowsAsync<RlsViolationException>(() => ExecuteAsUserAsync(alice, "DELETE FROM public.messages"));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, update.SqlState);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, delete.SqlState);
        Assert.Equal("message 1", await Database.ScalarAsync<string>("SELECT content FROM public.messages"));
    }

    [Fact]
    public async Task Counters_AreNotWritableByUsers()
    {
        var alice = await Database.CreateUserAsync();
        var conversation = await ConversationWithMessagesAsync(alice, 1);

        foreach (var column in new[] { "message_count = 99", "last_message_at = now()", "user_id = gen_random_uuid()" })
        {
            var ex = await Assert.ThrowsAsync<RlsViolationException>(
                () => ExecuteAsUserAsync(alice, $"UPDATE public.conversations SET {column} WHERE id = '{conversation.Id}'"));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
        }

        Assert.Equal(1, await Database.ScalarAsync<int>("SELECT message_count FROM public.conversations"));
    }

    [Fact]
    public async Task AConversation_CannotBeTiedToAnotherUsersSession()
    {
        var alice = await Database.CreateUserAsync();
        var bob = await Database.CreateUserAsync();
        var aliceSession = await Database.SessionWithOneOfEachAsync(alice);

        await using var db = Database.ContextFor(RlsClaims.ForUser(bob));
        db.Conversations.Add(Conversation.Create(bob, "borrowed", Clock.GetUtcNow(), sessionId: aliceSession.Id));

        await Assert.ThrowsAsync<ReferenceViolationException>(() => db.SaveChangesAsync());
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.conversations"));
    }

    [Fact]
    public async Task ContinuationIds_AreUniquePerUser_NotAcrossUsers()
    {
        var alice = await Database.CreateUserAsync();
        var bob = await Database.CreateUserAsync();
        var now = Clock.GetUtcNow();
        await using (var db = Database.ContextFor(RlsClaims.ForUser(alice)))
        {
            db.Conversations.Add(Conversation.Create(alice, "one", now, continuationId: "shared"));
            await db.SaveChangesAsync();
        }

        await using (var db = Database.ContextFor(RlsClaims.ForUser(bob)))
        {
            db.Conversations.Add(Conversation.Create(bob, "bob's", now, continuationId: "shared"));
            await db.SaveChangesAsync();
        }

        await using (var db = Database.ContextFor(RlsClaims.ForUser(alice)))
        {
            db.Conversations.Add(Conversation.Create(alice, "two", now, continuationId: "shared"));
            var ex = await Assert.ThrowsAsync<UniqueViolationException>(() => db.SaveChangesAsync());
            Assert.Contains("continuation_id", ex.Message, StringComparison.Ordinal);
        }

        Assert.Equal(2L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.conversations"));
    }

    [Fact]
    public async Task TwoWritersAppendingToOneConversation_OneWins_TheOtherGetsARetryableConflict_NothingPartial()
    {
        var alice = await Database.CreateUserAsync();
        var conversation = await ConversationWithMessagesAsync(alice, 1);
        var now = Clock.GetUtcNow();

        await using var first = Database.ContextFor(RlsClaims.ForUser(alice));
        await using var second = Database.ContextFor(RlsClaims.ForUser(alice));
        var a = await first.Conversations.SingleAsync(c => c.Id == conversation.Id);
        var b = await second.Conversations.SingleAsync(c => c.Id == conversation.Id);
        a.AddMessage(MessageRole.User, "from a", now);
        a.AddMessage(MessageRole.User, "from a again", now);
        b.AddMessage(MessageRole.User, "from b", now);

        await first.SaveChangesAsync();
        var conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => second.SaveChangesAsync());

        Assert.True(conflict.IsRetryable);
        Assert.Equal(3L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.messages"));
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.messages WHERE content = 'from b'"));
        Assert.Equal(3, await Database.ScalarAsync<int>("SELECT message_count FROM public.conversations"));
    }

    [Fact]
    public async Task AnArchivedConversation_TakesNoMoreMessages()
    {
        var alice = await Database.CreateUserAsync();
        var conversation = await ConversationWithMessagesAsync(alice, 1);
        await using var db = Database.ContextFor(RlsClaims.ForUser(alice));
        var loaded = await db.Conversations.SingleAsync(c => c.Id == conversation.Id);
        loaded.Archive(Clock.GetUtcNow());
        await db.SaveChangesAsync();

        var ex = Assert.Throws<DomainException>(() => loaded.AddMessage(MessageRole.User, "late", Clock.GetUtcNow()));

        Assert.Equal("conversation.archived", ex.Code);
        Assert.True(await Database.ScalarAsync<bool>("SELECT archived_at IS NOT NULL FROM public.conversations"));
    }

    [Fact]
    public async Task DeletingTheUser_RemovesTheirConversationsAndMessages()
    {
        var alice = await Database.CreateUserAsync();
        var bob = await Database.CreateUserAsync();
        await ConversationWithMessagesAsync(alice, 3);
        await ConversationWithMessagesAsync(bob, 2);

        await TestServer.ExecuteAsync(Database.AdminConnectionString, $"DELETE FROM auth.users WHERE id = '{alice}'");

        Assert.Equal(2L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.messages"));
        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.conversations"));
    }

    private async Task<Conversation> ConversationWithMessagesAsync(Guid userId, int messages)
    {
        var now = Clock.GetUtcNow();
        var conversation = Conversation.Create(userId, "chat", now);
        for (var i = 1; i <= messages; i++)
        {
            conversation.AddMessage(i % 2 == 1 ? MessageRole.User : MessageRole.Assistant, $"message {i}", now, tokenCount: 1);
        }

        await using var db = Database.ContextFor(RlsClaims.ForUser(userId));
        db.Conversations.Add(conversation);
        await db.SaveChangesAsync();
        return conversation;
    }

    private async Task<int> ExecuteAsUserAsync(Guid userId, string sql)
    {
        await using var db = Database.ContextFor(RlsClaims.ForUser(userId));
#pragma warning disable EF1002 // test SQL built from ids the test created
        return await db.Database.ExecuteSqlRawAsync(sql.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal));
#pragma warning restore EF1002
    }
}
