using System.Text.Json.Nodes;
using Domain.DevDatabase;
using Domain.IntegrationTests.Infrastructure;
using Domain.IntegrationTests.Migrations;
using Domain.Persistence;
using Domain.Persistence.Rls;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Domain.IntegrationTests.Identity;

/// <summary>
/// Profiles and the access token hook on a database prepared as on Supabase (tools/supabase-like/prepare.sql), migrated
/// as the non-superuser <c>supa_postgres</c>: Supabase Auth writes <c>auth.users</c> as <c>supabase_auth_admin</c>,
/// which owns that table and has no rights on our schemas, and calls the hook as that role.
/// </summary>
[Collection(MigrationsCollection.Name)]
public sealed class SupabaseAuthTests : IAsyncLifetime
{
    private const string Migrator = "supa_postgres";
    private const string AuthAdmin = "supabase_auth_admin";
    private ScratchDatabase _database = null!;

    private string Admin => _database.ConnectionString;

    public async Task InitializeAsync()
    {
        var server = await TestServer.InstanceAsync();
        await TestServer.ExecuteAsync(server.AdminConnectionString, $"""
            DO $$ BEGIN
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{Migrator}') THEN
                    CREATE ROLE {Migrator} LOGIN CREATEROLE BYPASSRLS NOSUPERUSER PASSWORD '{Migrator}';
                END IF;
            END $$;
            """);
        _database = await ScratchDatabase.CreateAsync("supabase_auth", owner: Migrator);
        await _database.ExecuteAsync(await File.ReadAllTextAsync(MigrationRoundTripTests.PrepareScript()));
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task AUserSupabaseAuthInserts_GetsAProfile_AndLosesItWithTheUser_AuditedAsSupabaseAuth()
    {
        await MigrateAsync(null);
        var user = Guid.CreateVersion7();

        await AsAuthAdminAsync($$"""
            INSERT INTO auth.users (id, aud, role, email, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
            VALUES ('{{user}}', 'authenticated', 'authenticated', 'grace@example.test', '{"provider": "email"}', '{"name": "Grace"}', now(), now())
            """);

        Assert.Equal("grace@example.test Grace user", await ScalarAsync<string>(
            $"SELECT email || ' ' || display_name || ' ' || role FROM public.user_profiles WHERE user_id = '{user}'"));
        Assert.Equal($"insert {AuthAdmin} {AuthAdmin}", await ScalarAsync<string>(
            $"SELECT operation || ' ' || actor_role || ' ' || database_role FROM public.audit_logs WHERE row_id = '{user}'"));

        await AsAuthAdminAsync($"UPDATE auth.users SET email = 'hopper@example.test' WHERE id = '{user}'");
        Assert.Equal("hopper@example.test", await ScalarAsync<string>($"SELECT email FROM public.user_profiles WHERE user_id = '{user}'"));

        await AsAuthAdminAsync($"DELETE FROM auth.users WHERE id = '{user}'");
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM public.user_profiles"));
        Assert.Equal("delete", await ScalarAsync<string>(
            $"SELECT operation::text FROM public.audit_logs WHERE row_id = '{user}' ORDER BY id DESC LIMIT 1"));
    }

    [Fact]
    public async Task SupabaseAuth_MayCallTheHookAndNothingElseOfOurs_TheApiRolesMayNotCallIt()
    {
        await MigrateAsync(null);
        var admin = Guid.CreateVersion7();
        var user = Guid.CreateVersion7();
        await AsAuthAdminAsync($"INSERT INTO auth.users (id, email) VALUES ('{admin}', 'a@example.test'), ('{user}', 'u@example.test')");
        await ScalarAsync<int>($"UPDATE public.user_profiles SET role = 'admin' WHERE user_id = '{admin}'; SELECT 1");

        var adminClaims = await CallHookAsync(AuthAdmin, admin, """{"role": "authenticated", "app_metadata": {"provider": "email"}}""");
        var userClaims = await CallHookAsync(AuthAdmin, user, """{"role": "domain_admin", "app_metadata": {"role": "admin"}}""");

        Assert.Equal((RlsClaims.AdminRole, "admin", "email"), ((string)adminClaims["role"]!, (string)adminClaims["app_metadata"]!["role"]!,
            (string)adminClaims["app_metadata"]!["provider"]!));
        Assert.Equal((RlsClaims.AuthenticatedRole, "user"), ((string)userClaims["role"]!, (string)userClaims["app_metadata"]!["role"]!));

        foreach (var role in new[] { "anon", "authenticated", "service_role", "domain_admin" })
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => CallHookAsync(role, user, """{"role": "authenticated"}"""));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }

        // The hook reads profiles as its owner; Supabase Auth itself reads none and runs no other function of ours that
        // acts as its owner (the two invoker functions PUBLIC may run, set_request_context and set_updated_at, give it nothing).
        Assert.False(await ScalarAsync<bool>($"SELECT has_table_privilege('{AuthAdmin}', 'public.user_profiles', 'SELECT')"));
        Assert.Equal(
            ["custom_access_token_hook"],
            await ListAsync<string>(
                $"""
                SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                 WHERE n.nspname = '{DatabaseSchemas.Private}' AND has_function_privilege('{AuthAdmin}', p.oid, 'EXECUTE') AND p.prosecdef
                """));
    }

    [Fact]
    public async Task UsersCreatedBeforeTheMigration_GetProfiles_AndDownRemovesTheTriggersOnAuthUsersItDoesNotOwn()
    {
        var migrations = Migrations();
        var previous = migrations[migrations.FindIndex(m => m.EndsWith("_IdentityAndAuditTrail", StringComparison.Ordinal)) - 1];
        await MigrateAsync(previous);
        var before = await SchemaFingerprint.ReadAsync(Admin);
        var early = Guid.CreateVersion7();
        await AsAuthAdminAsync($$"""INSERT INTO auth.users (id, email, raw_user_meta_data) VALUES ('{{early}}', 'early@example.test', '{"full_name": "Early Bird"}')""");

        await MigrateAsync(null);
        Assert.Equal("Early Bird", await ScalarAsync<string>($"SELECT display_name FROM public.user_profiles WHERE user_id = '{early}'"));
        Assert.Equal(2L, await ScalarAsync<long>(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'auth.users'::regclass AND tgname LIKE 'domain_%'"));

        // Migrating as supa_postgres, which does not own auth.users and so could not DROP TRIGGER on it.
        await MigrateAsync(previous);
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'auth.users'::regclass AND tgname LIKE 'domain_%'"));
        Assert.Equal(before, await SchemaFingerprint.ReadAsync(Admin));
        await AsAuthAdminAsync($"INSERT INTO auth.users (id, email) VALUES ('{Guid.CreateVersion7()}', 'after-down@example.test')");

        await MigrateAsync(null);
        Assert.Equal(2L, await ScalarAsync<long>("SELECT count(*) FROM public.user_profiles"));
    }

    private async Task<JsonNode> CallHookAsync(string role, Guid userId, string claims)
    {
        await using var connection = new NpgsqlConnection(Admin);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var setRole = new NpgsqlCommand($"SET LOCAL ROLE {role}", connection, transaction))
        {
            await setRole.ExecuteNonQueryAsync();
        }

        // As Supabase Auth calls it: select "schema"."function"($1) with the event as jsonb.
        await using var call = new NpgsqlCommand("""SELECT "domain_private"."custom_access_token_hook"(@event)::text""", connection, transaction);
        call.Parameters.Add(new NpgsqlParameter("event", NpgsqlTypes.NpgsqlDbType.Jsonb)
        {
            Value = $$"""{"user_id": "{{userId}}", "authentication_method": "password", "claims": {{claims}}}""",
        });
        var result = JsonNode.Parse((string)(await call.ExecuteScalarAsync())!)!;
        return result["claims"] ?? throw new InvalidOperationException($"The hook returned no claims: {result.ToJsonString()}");
    }

    private async Task AsAuthAdminAsync(string sql)
        => await _database.ExecuteAsync($"SET ROLE {AuthAdmin}; {sql}; RESET ROLE;");

    private Task<T?> ScalarAsync<T>(string sql) => TestServer.ScalarAsync<T>(Admin, sql);

    private async Task<List<T>> ListAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(Admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<T>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetFieldValue<T>(0));
        }

        return values;
    }

    private List<string> Migrations()
    {
        using var context = MigrationsDbContextFactory.Create(_database.ConnectionAs(Migrator, Migrator));
        return [.. context.Database.GetMigrations()];
    }

    private Task MigrateAsync(string? target)
        => SchemaMigrator.MigrateAsync(_database.ConnectionAs(Migrator, Migrator), target, progress: null, CancellationToken.None);
}
