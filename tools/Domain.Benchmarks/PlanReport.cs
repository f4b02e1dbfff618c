using Domain.Persistence.Rls;
using Npgsql;

namespace Domain.Benchmarks;

/// <summary>
/// <c>--explain</c>: prints <c>EXPLAIN (ANALYZE, BUFFERS)</c> of the newest-20-sessions page at the loaded scale, as
/// the benchmark's variants send it: policies only as a user, filtered as the service role, filtered as a user, and
/// policies only with the second permissive SELECT policy this project had before admins had a role of their own
/// (restored for one rolled-back transaction), to show what the planner does with each.
/// </summary>
internal static class PlanReport
{
    public static async Task RunAsync(BenchmarkDatabase database)
    {
        var user = database.Users[database.Users.Count / 2];
        await ExplainAsync(database.AppDataSource, "policies only, as the user", RlsClaims.ForUser(user.Id), PolicyOnlyPage.PolicyOnlySql, user.Id, setup: null);
        await ExplainAsync(database.AppDataSource, "filtered, as the service role", RlsClaims.Service, PolicyOnlyPage.FilteredSql, user.Id, setup: null);
        await ExplainAsync(database.AppDataSource, "filtered, as the user", RlsClaims.ForUser(user.Id), PolicyOnlyPage.FilteredSql, user.Id, setup: null);
        await ExplainAsync(
            database.OwnerDataSource,
            "policies only, as the user, with the former second permissive policy (rolled back)",
            RlsClaims.ForUser(user.Id),
            PolicyOnlyPage.PolicyOnlySql,
            user.Id,
            setup: "CREATE POLICY former_select_admin ON public.sessions FOR SELECT TO authenticated "
                + "USING (((SELECT auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin')");
    }

    private static async Task ExplainAsync(NpgsqlDataSource source, string title, RlsClaims claims, string sql, Guid userId, string? setup)
    {
        await using var connection = await source.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        if (setup is not null)
        {
            await using var prepare = new NpgsqlCommand(setup, connection, transaction);
            await prepare.ExecuteNonQueryAsync();
        }

        await ClaimsStatement.ApplyAsync(connection, transaction, claims, readOnly: false, CancellationToken.None);
        // Run twice and show the second: the first warms the buffers the benchmark's loop would have warmed.
        string[] plan = [];
        for (var run = 0; run < 2; run++)
        {
            await using var explain = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS) " + sql, connection, transaction);
            if (sql.Contains("$1", StringComparison.Ordinal))
            {
                explain.Parameters.Add(new NpgsqlParameter { Value = userId, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
            }

            var lines = new List<string>();
            await using var reader = await explain.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                lines.Add(reader.GetString(0));
            }

            plan = [.. lines];
        }

        await transaction.RollbackAsync();
        Console.WriteLine($"-- {title}: {sql}");
        foreach (var line in plan)
        {
            Console.WriteLine(line);
        }

        Console.WriteLine();
    }
}
