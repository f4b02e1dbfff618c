using Domain.DevDatabase;
using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence;
using Domain.Persistence.Rls;
using Domain.Sessions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace Domain.IntegrationTests.Migrations;

[CollectionDefinition(Name)]
public sealed class MigrationsCollection
{
    public const string Name = "Migrations";
}

/// <summary>
/// Every migration goes Up, Down and Up again with the migrator the bundle uses, on a plain empty database and on
/// one prepared as on Supabase (roles and auth present, migrating role not a superuser).
/// </summary>
[Collection(MigrationsCollection.Name)]
public sealed class MigrationRoundTripTests
{
    private const string SupabaseMigrator = "supa_postgres";

    [Fact]
    public async Task PlainDatabase_EachDownRestoresThePreviousSchema_AndUpAgainIsIdentical()
    {
        await using var database = await ScratchDatabase.CreateAsync("mig_plain");
        var connection = database.ConnectionString;
        var empty = await SchemaFingerprint.ReadAsync(connection);
        var ups = await UpOneByOneAsync(connection);

        await DownOneByOneAsync(connection, ups, empty);
        var afterZero = await SchemaFingerprint.ReadAsync(connection);
        Assert.DoesNotContain("schema auth", afterZero, StringComparison.Ordinal);
        Assert.DoesNotContain("schema domain_private", afterZero, StringComparison.Ordinal);
        Assert.Contains("schema domain_ops", afterZero, StringComparison.Ordinal);

        var again = await UpOneByOneAsync(connection);
        Assert.Equal(ups, again);
        Assert.Equal(3L, await TestServer.ScalarAsync<long>(connection, "SELECT count(*) FROM pg_roles WHERE rolname IN ('anon', 'authenticated', 'service_role')"));
    }

    [Fact]
    public async Task SeededDatabase_EveryMigrationDownAndUpAgain_KeepsRowsItDoesNotTouch()
    {
        await using var database = await ScratchDatabase.CreateAsync("mig_data");
        var connection = database.ConnectionString;
        await MigrateAsync(connection, null);
        var migrations = Migrations(connection);
        await TestServer.ExecuteAsync(connection, "CREATE TABLE public.unrelated (id int PRIMARY KEY, note text); INSERT INTO public.unrelated VALUES (1, 'keep me');");
        var contexts = new DomainDbContextFactory(DomainDbContextOptions.Create(connection));
        var seeded = await new DemoDataSeeder(TimeProvider.System).SeedAsync(connection, contexts, CancellationToken.None);
        Assert.True(seeded.Sessions > 0);
        // Roles come from the profile: the demo prompts' author is the demo user the backend made an admin, and only them.
        Assert.Equal(
            "admin",
            await TestServer.ScalarAsync<string>(
                connection,
                "SELECT string_agg(DISTINCT coalesce(p.role::text, 'no author'), ',') FROM public.prompt_versions v LEFT JOIN public.user_profiles p ON p.user_id = v.author_id"));

        for (var i = migrations.Count - 1; i >= 0; i--)
        {
            var survivingSessions = i == 0 ? 0L : await TestServer.ScalarAsync<long>(connection, "SELECT count(*) FROM public.sessions");
            await MigrateAsync(connection, i == 0 ? Migration.InitialDatabase : migrations[i - 1]);
            await MigrateAsync(connection, null);

            Assert.Equal("keep me", await TestServer.ScalarAsync<string>(connection, "SELECT note FROM public.unrelated WHERE id = 1"));
            Assert.Equal(migrations, await AppliedAsync(connection));
            if (i > 0)
            {
                // Migrations after the first never own the sessions table: its rows must survive their Down and Up.
                Assert.Equal(survivingSessions, await TestServer.ScalarAsync<long>(connection, "SELECT count(*) FROM public.sessions"));
            }
        }
    }

    [Fact]
    public async Task SupabaseLikeDatabase_MigratesAsNonSuperuser_WithoutTouchingSupabasesObjects()
    {
        var server = await TestServer.InstanceAsync();
        await TestServer.ExecuteAsync(server.AdminConnectionString, $"""
            DO $$ BEGIN
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{SupabaseMigrator}') THEN
                    CREATE ROLE {SupabaseMigrator} LOGIN CREATEROLE BYPASSRLS NOSUPERUSER PASSWORD '{SupabaseMigrator}';
                END IF;
            END $$;
            """);
        await using var database = await ScratchDatabase.CreateAsync("mig_supabase", owner: SupabaseMigrator);
        var admin = database.ConnectionString;
        await TestServer.ExecuteAsync(admin, await File.ReadAllTextAsync(PrepareScript()));
        var migrator = database.ConnectionAs(SupabaseMigrator, SupabaseMigrator);
        Assert.False(await TestServer.ScalarAsync<bool>(migrator, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"));
        var supabase = await SupabaseObjectsAsync(admin);

        var ups = await UpOneByOneAsync(migrator);
        Assert.Equal(supabase, await SupabaseObjectsAsync(admin));
        Assert.Contains("publication supabase_realtime public.sessions", ups[^1], StringComparison.Ordinal);

        await ProveRlsAsync(database);

        await MigrateAsync(migrator, Migration.InitialDatabase);
        Assert.Equal(supabase, await SupabaseObjectsAsync(admin));
        Assert.Equal(0L, await TestServer.ScalarAsync<long>(admin, "SELECT count(*) FROM pg_namespace WHERE nspname = 'domain_private'"));
        Assert.Equal(0L, await TestServer.ScalarAsync<long>(admin, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'"));

        Assert.Equal(ups, await UpOneByOneAsync(migrator));
        await MigrateAsync(migrator, null);
        Assert.Equal(Migrations(migrator), await AppliedAsync(migrator));
    }

    [Fact]
    public async Task UpToDateDatabase_SecondMigrateAppliesNothing()
    {
        await using var database = await ScratchDatabase.CreateAsync("mig_twice");
        var connection = database.ConnectionString;
        await MigrateAsync(connection, null);
        var fingerprint = await SchemaFingerprint.ReadAsync(connection);
        var logRows = await TestServer.ScalarAsync<long>(connection, "SELECT count(*) FROM domain_ops.migration_logs");

        await MigrateAsync(connection, null);

        Assert.Equal(fingerprint, await SchemaFingerprint.ReadAsync(connection));
        Assert.Equal(logRows, await TestServer.ScalarAsync<long>(connection, "SELECT count(*) FROM domain_ops.migration_logs"));
    }

    internal static string PrepareScript()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tools", "supabase-like", "prepare.sql");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("tools/supabase-like/prepare.sql was not found above the test directory.");
    }

    private static async Task ProveRlsAsync(ScratchDatabase database)
    {
        var alice = Guid.CreateVersion7();
        var bob = Guid.CreateVersion7();
        await database.ExecuteAsync($"INSERT INTO auth.users (id, email) VALUES ('{alice}', 'a@x.test'), ('{bob}', 'b@x.test')");
        await TestServer.ExecuteAsync(database.Server.AdminConnectionString, "ALTER ROLE authenticator PASSWORD 'authenticator'");
        var api = new DomainDbContextFactory(DomainDbContextOptions.Create(database.ConnectionAs("authenticator", "authenticator")));

        await using (var db = api.ForUser(alice))
        {
            db.Sessions.Add(Session.Create(alice, "on supabase", null, DateTimeOffset.UtcNow));
            await db.SaveChangesAsync();
            Assert.Equal(1, await db.Sessions.CountAsync());
        }

        await using (var db = api.ForUser(bob))
        {
            Assert.Equal(0, await db.Sessions.CountAsync());
        }

        await using (var db = api.For(RlsClaims.Service))
        {
            Assert.Equal(1, await db.Sessions.CountAsync());
        }

        // authenticator may switch to the admin role (the migration granted it), whose policies call Supabase's auth.uid().
        await using (var db = api.For(RlsClaims.ForAdmin(bob)))
        {
            Assert.Equal(1, await db.Sessions.CountAsync());
            Assert.Equal(0, await db.Sessions.ExecuteUpdateAsync(s => s.SetProperty(x => x.Title, "taken")));
            db.Sessions.Add(Session.Create(bob, "the admin's own", null, DateTimeOffset.UtcNow));
            await db.SaveChangesAsync();
            Assert.Equal(2, await db.Sessions.CountAsync());
        }
    }

    private static async Task<string> SupabaseObjectsAsync(string admin) => (await TestServer.ScalarAsync<string>(admin, """
        SELECT string_agg(line, E'\n' ORDER BY line) FROM (
            SELECT 'role ' || rolname || ' ' || rolsuper || rolinherit || rolcanlogin || rolbypassrls || rolcreaterole AS line
              FROM pg_roles WHERE rolname IN ('anon', 'authenticated', 'service_role', 'authenticator', 'supabase_auth_admin')
            UNION ALL SELECT 'schema auth ' || n.oid || ' ' || pg_get_userbyid(n.nspowner) || ' ' || coalesce(array_to_string(n.nspacl, ','), '')
              FROM pg_namespace n WHERE n.nspname = 'auth'
            UNION ALL SELECT 'table auth.users ' || c.oid || ' ' || pg_get_userbyid(c.relowner) || ' ' || coalesce(array_to_string(c.relacl, ','), '')
              FROM pg_class c WHERE c.oid = 'auth.users'::regclass
            UNION ALL SELECT 'column auth.users.' || attname || ' ' || format_type(atttypid, atttypmod)
              FROM pg_attribute WHERE attrelid = 'auth.users'::regclass AND attnum > 0 AND NOT attisdropped
            UNION ALL SELECT 'function ' || p.oid || ' ' || p.proname || ' ' || pg_get_userbyid(p.proowner) || ' ' || md5(p.prosrc)
                   || ' ' || coalesce(array_to_string(p.proconfig, ','), '')
              FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'auth'
            UNION ALL SELECT 'publication ' || p.oid || ' ' || p.pubname || ' ' || pg_get_userbyid(p.pubowner) || p.puballtables || p.pubinsert || p.pubupdate || p.pubdelete
              FROM pg_publication p WHERE p.pubname = 'supabase_realtime'
        ) objects
        """))!;

    private static async Task<List<string>> UpOneByOneAsync(string connection)
    {
        var fingerprints = new List<string>();
        foreach (var migration in Migrations(connection))
        {
            await MigrateAsync(connection, migration);
            fingerprints.Add(await SchemaFingerprint.ReadAsync(connection));
        }

        return fingerprints;
    }

    private static async Task DownOneByOneAsync(string connection, List<string> ups, string empty)
    {
        var migrations = Migrations(connection);
        for (var i = migrations.Count - 1; i >= 0; i--)
        {
            await MigrateAsync(connection, i == 0 ? Migration.InitialDatabase : migrations[i - 1]);
            var expected = i == 0 ? empty : ups[i - 1];
            Assert.Equal(WithoutOperatorSchema(expected), WithoutOperatorSchema(await SchemaFingerprint.ReadAsync(connection)));
        }
    }

    /// <summary>The history and log tables in domain_ops appear with the first run and stay: they record the Downs too.</summary>
    private static string WithoutOperatorSchema(string fingerprint)
        => string.Join('\n', fingerprint.Split('\n').Where(line => !line.Contains("domain_ops", StringComparison.Ordinal)));

    private static List<string> Migrations(string connection)
    {
        using var context = MigrationsDbContextFactory.Create(connection);
        return [.. context.Database.GetMigrations()];
    }

    private static async Task<List<string>> AppliedAsync(string connection)
    {
        await using var context = MigrationsDbContextFactory.Create(connection);
        return [.. await context.Database.GetAppliedMigrationsAsync()];
    }

    private static Task MigrateAsync(string connection, string? target)
        => SchemaMigrator.MigrateAsync(connection, target, progress: null, CancellationToken.None);


}
