using Domain.Persistence;
using Npgsql;

namespace Domain.DevDatabase;

/// <summary>
/// The one way development tooling gets a database ready (tests, <c>domain up</c> and its sibling commands, the
/// benchmarks): find or start a server, create the database if missing, apply the migrations with the shipped
/// migrator, create or refresh the application's login role, and seed demo data; each step after the first as the
/// options say.
/// </summary>
public static class DatabaseProvisioner
{
    /// <summary>
    /// Provisions on the first server that <paramref name="servers"/> offer, asked in order. The result owns that
    /// server: disposing it stops a server started for this process only.
    /// </summary>
    public static async Task<ProvisionedDatabase> ProvisionAsync(
        IEnumerable<IDatabaseServerSource> servers, ProvisionOptions options, CancellationToken cancellationToken = default)
    {
        var server = await DatabaseServer.OpenFirstAsync(servers, cancellationToken);
        try
        {
            return await ProvisionAsync(server, ownsServer: true, options, cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Provisions on <paramref name="server"/>, which the caller keeps: disposing the result leaves it alone.</summary>
    public static Task<ProvisionedDatabase> ProvisionAsync(
        DatabaseServer server, ProvisionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        return ProvisionAsync(server, ownsServer: false, options, cancellationToken);
    }

    private static async Task<ProvisionedDatabase> ProvisionAsync(
        DatabaseServer server, bool ownsServer, ProvisionOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var observer = options.Observer;

        var database = await OpenDatabaseAsync(server, ownsServer, options, ct);
        observer?.DatabaseReady(database);
        var owner = database.OwnerConnectionString;

        if (options.ApplyMigrations)
        {
            database.Migrations = await SchemaMigrator.MigrateAsync(owner, target: null, observer is null ? null : observer.MigrationProgress, ct);
            observer?.MigrationsApplied(database.Migrations);
        }

        if (options.LoginRole == LoginRoleSetup.Ensure || (options.LoginRole == LoginRoleSetup.EnsureIfSuperuser && database.OwnerIsSuperuser))
        {
            // The login role and its memberships belong to the whole cluster, like the roles the migrations make.
            using (await ClusterWideChanges.EnterAsync(ct))
            {
                await AppLoginRole.EnsureAsync(owner, ct);
            }

            await AppLoginRole.AllowReadingMigrationHistoryAsync(owner, ct);
            database.AppConnectionString = AppLoginRole.ConnectionStringFor(owner);
            observer?.LoginRoleReady(database.AppConnectionString);
        }
        else if (options.LoginRole == LoginRoleSetup.EnsureIfSuperuser)
        {
            observer?.LoginRoleSkipped();
        }

        if (options.SeedDemoData)
        {
            var contexts = new DomainDbContextFactory(DomainDbContextOptions.Create(owner));
            database.DemoData = await new DemoDataSeeder(TimeProvider.System).SeedAsync(owner, contexts, ct);
            observer?.DemoDataSeeded(database.DemoData);
        }

        return database;
    }

    private static async Task<ProvisionedDatabase> OpenDatabaseAsync(DatabaseServer server, bool ownsServer, ProvisionOptions options, CancellationToken ct)
    {
        var name = options.Database ?? server.DefaultDatabase;
        string owner;
        if (name is null)
        {
            if (options.RecreateDatabase)
            {
                throw new ArgumentException("RecreateDatabase needs a database name.", nameof(options));
            }

            owner = server.AdminConnectionString;
        }
        else
        {
            if (options.RecreateDatabase)
            {
                await server.DropDatabaseAsync(name, ct);
            }

            await server.CreateDatabaseAsync(name, cancellationToken: ct);
            owner = server.ConnectionStringTo(name);
        }

        await using var connection = new NpgsqlConnection(owner);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT current_setting('server_version'), current_user, rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user",
            connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new ProvisionedDatabase(server, ownsServer, owner, reader.GetString(1), reader.GetBoolean(2), reader.GetString(0));
    }
}
