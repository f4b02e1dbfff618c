using System.Net;
using Domain.Api;
using Domain.Application.Sessions;
using Domain.IntegrationTests.Infrastructure;
using Npgsql;

namespace Domain.IntegrationTests.Http;

/// <summary>
/// Many requests of different users at once over a pool of two physical connections: every response holds only its
/// caller's rows, whoever used the connection before.
/// </summary>
public sealed class ApiConcurrencyTests(MigratedDatabase database) : ApiTest(database)
{
    private const string PoolName = "domain-api-tests-pool2";

    protected override ApiHost CreateApi() => ApiHost.Create(Database, Jwks, settings =>
        settings["ConnectionStrings:Domain"] = new NpgsqlConnectionStringBuilder(Database.AppConnectionString)
        {
            MaxPoolSize = 2,
            ApplicationName = PoolName,
            Timeout = 60,
        }.ConnectionString);

    [Fact]
    public async Task HundredConcurrentRequestsOfMixedUsers_OnAPoolOfTwo_EachSeeOnlyTheirCallersRows()
    {
        var users = new List<(Guid Id, HashSet<Guid> Sessions)>();
        for (var u = 0; u < 4; u++)
        {
            var user = await Database.CreateUserAsync();
            var sessions = new HashSet<Guid>();
            for (var s = 0; s <= u; s++)
            {
                sessions.Add((await Database.SessionWithOneOfEachAsync(user, $"user {u} session {s}")).Id);
            }

            users.Add((user, sessions));
        }

        var clients = users.ToDictionary(u => u.Id, u => ClientFor(u.Id));
        var requests = Enumerable.Range(0, 100).Select(async i =>
        {
            var (caller, own) = users[i % users.Count];
            var (_, others) = users[(i + 1) % users.Count];
            var client = clients[caller];
            switch (i % 3)
            {
                case 0:
                    var page = await ReadAsync<SessionPage>(await client.GetAsync("/sessions?pageSize=50"));
                    return page.Items.All(s => s.UserId == caller) && page.Items.Select(s => s.Id).ToHashSet().SetEquals(own);
                case 1:
                    var details = await ReadAsync<SessionDetailsDto>(await client.GetAsync($"/sessions/{own.First()}"));
                    return details.Session.UserId == caller && details.Revisions.Count == 1;
                default:
                    var foreign = await client.GetAsync($"/sessions/{others.First()}");
                    return foreign.StatusCode == HttpStatusCode.NotFound;
            }
        }).ToList();

        var results = await Task.WhenAll(requests);
        var backends = await Database.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE application_name = @name", ("name", PoolName));

        Assert.Equal(100, results.Length);
        Assert.All(results, Assert.True);
        Assert.InRange(backends, 1, 2);
    }
}
