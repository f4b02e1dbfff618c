using BenchmarkDotNet.Attributes;
using Domain.Persistence.Rls;
using Domain.Sessions;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Domain.Benchmarks;

/// <summary>
/// A user's newest 20 sessions read the way a Supabase client (or the README's first LINQ example) reads them: no
/// <c>WHERE user_id = …</c>, the policies alone decide, against the same page with an explicit user filter. Issue 12's
/// measure: the policy-only page may cost at most 1.3× the explicitly filtered page as the service role (the baseline).
/// Every raw variant logs in as the application role and sends the claims statement in the same batch, as EF and
/// PostgREST do, so they differ only in the query and the role it runs as.
/// </summary>
[BenchmarkCategory("newest 20 sessions: policies only or filtered")]
public class PolicyOnlyPage : Scenario
{
    /// <summary>What a Supabase client sends for <c>.from('sessions').select().order('created_at', desc).limit(20)</c>, minus PostgREST's JSON wrapping.</summary>
    internal const string PolicyOnlySql = $"SELECT {SessionColumns} FROM public.sessions ORDER BY created_at DESC, id DESC LIMIT 20";

    internal const string FilteredSql =
        $"SELECT {SessionColumns} FROM public.sessions WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT 20";

    /// <summary>The service role bypasses RLS: the page as fast as an explicit filter makes it.</summary>
    [Benchmark(Baseline = true)]
    public async Task<List<SessionRow>> NpgsqlServiceRoleFiltered()
    {
        var user = NextUser();
        await using var connection = await Db.AppDataSource.OpenConnectionAsync();
        var (batch, reader) = await ExecuteWithClaimsAsync(connection, RlsClaims.Service, FilteredSql, (NpgsqlDbType.Uuid, user.Id));
        await using (batch)
        await using (reader)
        {
            return await FullPageAsync(reader);
        }
    }

    [Benchmark]
    public async Task<List<SessionRow>> NpgsqlPolicyOnly()
    {
        var user = NextUser();
        await using var connection = await Db.AppDataSource.OpenConnectionAsync();
        var (batch, reader) = await ExecuteWithClaimsAsync(connection, user.Id, PolicyOnlySql);
        await using (batch)
        await using (reader)
        {
            return await FullPageAsync(reader);
        }
    }

    [Benchmark]
    public async Task<List<SessionRow>> NpgsqlFiltered()
    {
        var user = NextUser();
        await using var connection = await Db.AppDataSource.OpenConnectionAsync();
        var (batch, reader) = await ExecuteWithClaimsAsync(connection, user.Id, FilteredSql, (NpgsqlDbType.Uuid, user.Id));
        await using (batch)
        await using (reader)
        {
            return await FullPageAsync(reader);
        }
    }

    /// <summary>The README's first example without its status filter: LINQ that leaves the user to the policies.</summary>
    [Benchmark]
    public async Task<List<Session>> EfPolicyOnly()
    {
        var user = NextUser();
        await using var db = ForUser(user.Id);
        return Full(await db.Sessions.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id).Take(20).ToListAsync());
    }

    [Benchmark]
    public async Task<List<Session>> EfFiltered()
    {
        var user = NextUser();
        await using var db = ForUser(user.Id);
        return Full(await db.Sessions.Where(s => s.UserId == user.Id)
            .OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id).Take(20).ToListAsync());
    }

    /// <summary>A page that is not full measured something other than a page of 20 (RLS hiding the user's rows, say), so it fails.</summary>
    private static async Task<List<SessionRow>> FullPageAsync(NpgsqlDataReader reader)
    {
        var page = new List<SessionRow>(20);
        while (await reader.ReadAsync())
        {
            page.Add(ReadSession(reader));
        }

        return page.Count == 20 ? page : throw new InvalidOperationException($"The page held {page.Count} rows, not 20.");
    }

    private static List<Session> Full(List<Session> page)
        => page.Count == 20 ? page : throw new InvalidOperationException($"The page held {page.Count} sessions, not 20.");
}
