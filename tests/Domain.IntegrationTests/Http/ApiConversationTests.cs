using System.Net;
using System.Net.Http.Json;
using Domain.Api;
using Domain.Application.Conversations;
using Domain.Conversations;
using Domain.IntegrationTests.Infrastructure;

namespace Domain.IntegrationTests.Http;

/// <summary>The conversation routes end to end: messages appended and read back by the owner only.</summary>
public sealed class ApiConversationTests(MigratedDatabase database) : ApiTest(database)
{
    [Fact]
    public async Task Owner_AppendsMessages_AndReadsThemBackByPage_NewestFirst()
    {
        var alice = await Database.CreateUserAsync();
        var client = ClientFor(alice);
        var conversation = await ReadAsync<ConversationDto>(await client.PostAsJsonAsync("/conversations", new { title = "Refactor the parser" }));

        var appended = new List<HttpResponseMessage>();
        foreach (var (role, content) in new[] { ("user", "Where do we start?"), ("assistant", "With the tokenizer."), ("user", "Go on.") })
        {
            appended.Add(await client.PostAsJsonAsync($"/conversations/{conversation.Id}/messages", new { role, content }));
        }

        var first = await ReadAsync<MessagePage>(await client.GetAsync($"/conversations/{conversation.Id}/messages?pageSize=2"));
        var second = await ReadAsync<MessagePage>(await client.GetAsync($"/conversations/{conversation.Id}/messages?pageSize=2&after={first.Next}"));
        var oldestFirst = await ReadAsync<MessagePage>(await client.GetAsync($"/conversations/{conversation.Id}/messages?oldestFirst=true"));

        Assert.All(appended, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Equal([3, 2], first.Items.Select(m => m.Sequence));
        Assert.Equal([1], second.Items.Select(m => m.Sequence));
        Assert.Null(second.Next);
        Assert.Equal(["Where do we start?", "With the tokenizer.", "Go on."], oldestFirst.Items.Select(m => m.Content));
        Assert.Equal(MessageRole.Assistant, oldestFirst.Items[1].Role);
        Assert.Equal(3, (await ReadAsync<ConversationDto>(await client.GetAsync($"/conversations/{conversation.Id}"))).MessageCount);
    }

    [Fact]
    public async Task AnotherUser_NeitherReadsNorAppends_AndTheAnswerIs404()
    {
        var alice = await Database.CreateUserAsync();
        var bob = await Database.CreateUserAsync();
        var conversation = await ReadAsync<ConversationDto>(await ClientFor(alice).PostAsJsonAsync("/conversations", new { title = "private" }));
        await ClientFor(alice).PostAsJsonAsync($"/conversations/{conversation.Id}/messages", new { role = "user", content = "secret" });

        var read = await ClientFor(bob).GetAsync($"/conversations/{conversation.Id}/messages");
        var append = await ClientFor(bob).PostAsJsonAsync($"/conversations/{conversation.Id}/messages", new { role = "user", content = "planted" });

        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, append.StatusCode);
        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.messages WHERE conversation_id = @id", ("id", conversation.Id)));
    }

    [Fact]
    public async Task InvalidMessage_Is422_WithTheField()
    {
        var alice = await Database.CreateUserAsync();
        var conversation = await ReadAsync<ConversationDto>(await ClientFor(alice).PostAsJsonAsync("/conversations", new { title = "t" }));

        var response = await ClientFor(alice).PostAsJsonAsync($"/conversations/{conversation.Id}/messages", new { role = "user", content = "" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.True((await ProblemAsync(response)).GetProperty("errors").TryGetProperty("Content", out _));
    }
}
