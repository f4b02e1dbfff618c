using Bogus;
using Domain.Application;
using Domain.Application.Common;
using Domain.Application.Conversations;
using Domain.Application.Sessions;
using Domain.Common;
using Domain.Conversations;
using Domain.IntegrationTests.Infrastructure;
using Domain.Sessions;
using FluentValidation;
using ValidationException = FluentValidation.ValidationException;
using Microsoft.Extensions.DependencyInjection;

namespace Domain.IntegrationTests.Security;

/// <summary>
/// Ten thousand generated requests, valid and invalid, through every store operation that takes input: each ends in
/// success, a <see cref="ValidationException"/> naming a field of its request, or the model's own refusal (a
/// <see cref="DomainException"/>, or not found); never a database exception. A refused request writes nothing.
/// </summary>
public sealed class GeneratedRequestTests(MigratedDatabase database) : DatabaseTest(database)
{
    private const int Requests = 10_000;

    /// <summary>The count of every table the stores write, and their newest change: equal before and after a refused request.</summary>
    private const string Fingerprint = """
        SELECT (SELECT count(*) FROM public.sessions) || '/' || (SELECT count(*) FROM public.session_revisions) || '/'
            || (SELECT count(*) FROM public.session_drafts) || '/' || (SELECT count(*) FROM public.hole_resolutions) || '/'
            || (SELECT count(*) FROM public.conversations) || '/' || (SELECT count(*) FROM public.messages) || '/'
            || coalesce((SELECT max(updated_at)::text FROM public.sessions), '-') || '/'
            || coalesce((SELECT max(updated_at)::text FROM public.conversations), '-')
        """;

    [Fact]
    public async Task EveryGeneratedRequest_EndsInSuccessOrANamedRefusal_AndARefusalWritesNothing()
    {
        await using var services = new ServiceCollection().AddSingleton(Database.Contexts).AddDomainApplication().BuildServiceProvider();
        var sessions = services.GetRequiredService<SessionStore>();
        var conversations = services.GetRequiredService<ConversationStore>();
        var faker = new Faker { Random = new Randomizer(20261130) };
        var users = new[] { await Database.CreateUserAsync(), await Database.CreateUserAsync() };
        var sessionIds = new List<(Guid User, Guid Session)>();
        var conversationIds = new List<(Guid User, Guid Conversation)>();
        foreach (var user in users)
        {
            sessionIds.Add((user, (await sessions.CreateAsync(Caller.User(user), new CreateSessionRequest("seed", null))).Id));
            conversationIds.Add((user, (await conversations.StoreAsync(Caller.User(user), new StoreConversationRequest("seed"))).Id));
        }

        var outcomes = new Dictionary<string, int>();
        for (var i = 0; i < Requests; i++)
        {
            var (user, sessionId) = faker.PickRandom(sessionIds);
            var (conversationOwner, conversationId) = faker.PickRandom(conversationIds.Where(c => c.User == user).ToList());
            var caller = Caller.User(user);
            var (name, request, run) = faker.Random.Int(0, 12) switch
            {
                0 => Operation(new CreateSessionRequest(Text(faker), MaybeText(faker)), r => sessions.CreateAsync(caller, r)),
                1 => Operation(new RetitleSessionRequest(Text(faker), MaybeText(faker)), r => sessions.RetitleAsync(caller, sessionId, r)),
                2 => Operation(new AddRevisionRequest(Json(faker), MaybeText(faker)), r => sessions.AddRevisionAsync(caller, sessionId, r)),
                3 => Operation(new AddDraftRequest(Text(faker), faker.PickRandom("python", "c#", "Python", "", "x\0"), faker.Random.Bool(), MaybeJson(faker)),
                    r => sessions.AddDraftAsync(caller, sessionId, r)),
                4 => Operation(new ResolveHoleRequest(faker.PickRandom("?h1", "?h2", "", "bad id", "?" + new string('h', 101)), Json(faker), Number(faker)),
                    r => sessions.ResolveHoleAsync(caller, sessionId, r)),
                5 => Operation(new ReplaceSessionMetadataRequest(Json(faker)), r => sessions.ReplaceMetadataAsync(caller, sessionId, r)),
                6 => Operation(new ListSessionsRequest(faker.Random.Int(-5, 300)), r => sessions.ListAsync(caller, r)),
                7 => Operation(new StoreConversationRequest(Text(faker), MaybeText(faker), MaybeText(faker), MaybeText(faker), null, MaybeJson(faker), MaybeJson(faker)),
                    r => conversations.StoreAsync(caller, r)),
                8 => Operation(Message(faker), r => conversations.AppendMessageAsync(caller, conversationId, r)),
                9 => Operation(new AppendMessagesRequest([.. Enumerable.Range(0, faker.Random.Int(0, 3)).Select(_ => Message(faker))]),
                    r => conversations.AppendMessagesAsync(caller, conversationId, r)),
                10 => Operation(new RenameConversationRequest(Text(faker)), r => conversations.RenameAsync(caller, conversationId, r)),
                11 => Operation(new ReplaceConversationContextRequest(MaybeJson(faker)), r => conversations.ReplaceContextAsync(caller, conversationId, r)),
                _ => Operation(new MessageHistoryRequest(faker.Random.Int(-5, 600), faker.Random.Bool() ? faker.Random.Int(-3, 20) : null, faker.Random.Bool()),
                    r => conversations.GetMessagesAsync(caller, conversationId, r)),
            };

            var before = await Database.ScalarAsync<string>(Fingerprint);
            var outcome = await Outcome(run, request);
            outcomes[$"{name}: {outcome}"] = outcomes.GetValueOrDefault($"{name}: {outcome}") + 1;
            if (outcome != "success")
            {
                Assert.Equal(before, await Database.ScalarAsync<string>(Fingerprint));
            }
        }

        Assert.Contains(outcomes, o => o.Key.EndsWith(": success", StringComparison.Ordinal) && o.Value > 100);
        Assert.Contains(outcomes, o => o.Key.EndsWith(": invalid", StringComparison.Ordinal) && o.Value > 100);
        Assert.Equal(Requests, outcomes.Values.Sum());
    }

    private static (string Name, object Request, Func<Task> Run) Operation<TRequest, TResult>(TRequest request, Func<TRequest, Task<TResult>> run)
        where TRequest : notnull
        => (typeof(TRequest).Name, request, () => run(request));

    /// <summary>"success", "invalid" (a field named), "refused" (the model's own rule or not found); anything else fails the test.</summary>
    private static async Task<string> Outcome(Func<Task> run, object request)
    {
        try
        {
            await run();
            return "success";
        }
        catch (ValidationException ex)
        {
            Assert.NotEmpty(ex.Errors);
            Assert.All(ex.Errors, e => Assert.True(NamesAField(request.GetType(), e.PropertyName), $"{e.PropertyName} is not a field of {request.GetType().Name}"));
            return "invalid";
        }
        catch (DomainException ex)
        {
            Assert.False(string.IsNullOrEmpty(ex.Code));
            return "refused";
        }
        catch (NotFoundException)
        {
            return "refused";
        }
    }

    /// <summary>Whether <paramref name="propertyName"/> (such as <c>Messages[2].Content</c>) is a field of <paramref name="type"/>.</summary>
    private static bool NamesAField(Type type, string propertyName)
    {
        var current = type;
        foreach (var part in propertyName.Split('.'))
        {
            var name = part.Split('[')[0];
            var property = current.GetProperty(name);
            if (property is null)
            {
                return false;
            }

            current = property.PropertyType.IsGenericType ? property.PropertyType.GetGenericArguments()[0] : property.PropertyType;
        }

        return true;
    }

    private static AppendMessageRequest Message(Faker faker)
        => new(
            faker.Random.Bool(0.95f) ? faker.PickRandom<MessageRole>() : (MessageRole)faker.Random.Int(10, 20),
            Text(faker),
            faker.Random.Bool(0.8f) ? faker.Random.Int(-2, 5_000) : null,
            faker.Random.Bool(0.8f) ? faker.Random.Int(-2, 5_000) : null,
            MaybeText(faker),
            faker.Random.Bool(0.3f) ? faker.Random.AlphaNumeric(faker.Random.Int(0, 210)) : null,
            MaybeJson(faker));

    private static string Text(Faker faker) => faker.Random.Int(0, 9) switch
    {
        0 => string.Empty,
        1 => "   ",
        2 => "with NUL \0 inside",
        3 => "lone surrogate \ud800 inside",
        4 => new string('x', faker.Random.Int(199, 2_001)),
        5 => "zoë 例え 🎉 \"quotes\" and \\ backslash",
        _ => faker.Lorem.Sentence(),
    };

    private static string? MaybeText(Faker faker) => faker.Random.Bool(0.3f) ? null : Text(faker);

    private static string Json(Faker faker) => faker.Random.Int(0, 11) switch
    {
        0 => "[]",
        1 => "{not json",
        2 => """{"a":"\u0000"}""",
        3 => """{"a":"\ud800"}""",
        4 => """{"a":1,"a":2}""",
        5 => """{"n":1e200000}""",
        6 => string.Concat(Enumerable.Repeat("[", 70)) + string.Concat(Enumerable.Repeat("]", 70)),
        7 => "\"a string\"",
        8 => "{\"raw\":\"\ud800\"}",
        _ => $$$"""{"step":{{{faker.Random.Int()}}},"text":"{{{faker.Lorem.Word()}}}","nested":{"ok":true}}""",
    };

    private static string? MaybeJson(Faker faker) => faker.Random.Bool(0.4f) ? null : Json(faker);

    private static double Number(Faker faker) => faker.Random.Int(0, 5) switch
    {
        0 => double.NaN,
        1 => -0.5,
        2 => 1.5,
        3 => double.PositiveInfinity,
        _ => faker.Random.Double(),
    };
}
