// Uses the layer as an application that got it from packages would: applies the shipped migrations as the schema
// owner, then, logged in as the application's role, writes and reads as two users through the registration an
// ASP.NET Core application uses. Exits non-zero when anything is off.
using Domain.Application.Common;
using Domain.Application.Sessions;
using Domain.AspNetCore;
using Domain.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: PackageSmoke <owner connection string> <application connection string>");
    return 2;
}

var (owner, application) = (args[0], args[1]);

await using (var migrating = MigrationsDbContextFactory.Create(owner))
{
    await migrating.Database.MigrateAsync();
    var applied = (await migrating.Database.GetAppliedMigrationsAsync()).Count();
    var shipped = migrating.Database.GetMigrations().Count();
    Console.WriteLine($"migrations: {applied} of {shipped} applied");
    if (applied != shipped || shipped == 0)
    {
        return 1;
    }
}

Guid alice = Guid.CreateVersion7(), bob = Guid.CreateVersion7();
await using (var connection = new NpgsqlConnection(owner))
{
    await connection.OpenAsync();
    await using var users = new NpgsqlCommand("INSERT INTO auth.users (id, email) VALUES (@a, 'alice@smoke.test'), (@b, 'bob@smoke.test')", connection);
    users.Parameters.AddWithValue("a", alice);
    users.Parameters.AddWithValue("b", bob);
    await users.ExecuteNonQueryAsync();
}

var builder = WebApplication.CreateBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Configuration["ConnectionStrings:Domain"] = application;
builder.Configuration["Supabase:Url"] = "https://packagesmoketest.supabase.co";
builder.AddDomainForSupabase();
await using var app = builder.Build();
var sessions = app.Services.GetRequiredService<SessionStore>();

var created = await sessions.CreateAsync(Caller.User(alice), new CreateSessionRequest("from the packages", null));
await sessions.AddRevisionAsync(Caller.User(alice), created.Id, new AddRevisionRequest("""{"goal":"smoke"}""", "first"));
var alicesPage = await sessions.ListAsync(Caller.User(alice), new ListSessionsRequest());
var bobsPage = await sessions.ListAsync(Caller.User(bob), new ListSessionsRequest());
var asBob = await sessions.GetAsync(Caller.User(bob), created.Id);
Console.WriteLine($"alice sees {alicesPage.Count} session(s), bob sees {bobsPage.Count}, bob reading alice's: {(asBob is null ? "not found" : "FOUND")}");
return alicesPage.Count == 1 && alicesPage[0].RevisionCount == 1 && bobsPage.Count == 0 && asBob is null ? 0 : 1;
