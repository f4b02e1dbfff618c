using System.CommandLine;
using Domain.Application;
using Domain.Application.Common;
using Domain.Application.Prompts;
using Domain.DevDatabase;
using Domain.Persistence;
using Domain.Persistence.Rls;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Domain.Cli.Commands;

/// <summary>
/// <c>domain up</c>: brings a database to the current schema with demo data and shows that row-level security
/// holds: the local cluster (started or attached) unless a connection is configured; migrations; the application's
/// login role; demo data; every table of <c>public</c> with its RLS state, and the backend's tables beside it; the system
/// prompts with their active versions; the profiles and the audit trail; and what each demo user sees (sessions and files).
/// <c>domain up --stop</c> stops the local cluster.
/// </summary>
internal static class UpCommand
{
    private static readonly Option<bool> Stop = new("--stop") { Description = "Stop the local cluster and exit" };

    private static readonly Option<int?> Port = new("--port")
    {
        Description = "Port for a local cluster that is started now (a persistent cluster remembers its port)",
        HelpName = "N",
    };

    private static readonly Option<bool> NoSeed = new("--no-seed") { Description = "Do not seed demo data into an empty database" };

    public static Command Create()
    {
        var command = new Command("up", "Start the local database (or use the configured one), migrate, seed, and report")
        {
            Stop,
            Port,
            NoSeed,
        };
        command.SetAction(CliOutput.ReportingFailures(RunAsync));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parseResult, CancellationToken ct)
    {
        if (parseResult.GetValue(Stop))
        {
            return await StopAsync(ct);
        }

        var port = parseResult.GetValue(Port);
        if (port is < 1 or > 65535)
        {
            throw new InvalidOperationException($"--port must be between 1 and 65535 (got {port}).");
        }

        var seed = !parseResult.GetValue(NoSeed);
        var options = new ProvisionOptions
        {
            LoginRole = LoginRoleSetup.EnsureIfSuperuser,
            SeedDemoData = seed,
            Observer = new UpReport(port),
        };
        await using var database = await ProvisionAsync(parseResult, port, options, ct);
        if (!seed)
        {
            CliOutput.Field("demo data", "not seeded (--no-seed)");
        }

        CliOutput.Blank();
        await ShowTablesAsync(database.OwnerConnectionString, ct);
        CliOutput.Blank();
        await ShowPromptsAsync(database, ct);
        CliOutput.Blank();
        await ShowProfilesAsync(database.OwnerConnectionString, ct);
        CliOutput.Blank();
        await ShowAuditTrailAsync(database.OwnerConnectionString, ct);
        CliOutput.Blank();
        var isolated = await ShowIsolationAsync(database, ct);

        if (database.Server.LocalCluster is not null)
        {
            CliOutput.Blank();
            CliOutput.Field("connect", $"{database.AppConnectionString}  (applications)");
            CliOutput.Field(string.Empty, $"{database.OwnerConnectionString}  (owner: migrations, psql)");
            CliOutput.Field("stop", "up --stop (the cluster keeps running until then)");
        }

        if (!isolated)
        {
            await Console.Error.WriteLineAsync("error: row-level security let a caller see sessions it does not own (marked above).");
            return 1;
        }

        return 0;
    }

    private static async Task<ProvisionedDatabase> ProvisionAsync(ParseResult parseResult, int? port, ProvisionOptions options, CancellationToken ct)
    {
        try
        {
            return await CliConnection.ProvisionAsync(parseResult, port, options, ct);
        }
        catch (DemoDataException ex)
        {
            throw new InvalidOperationException($"{ex.Message} To skip demo data, run up --no-seed.", ex);
        }
    }

    private static async Task<int> StopAsync(CancellationToken ct)
    {
        var directory = CliConnection.LocalDataDirectory();
        var wasRunning = await LocalPostgres.StopAsync(directory, ct);
        CliOutput.Field("local", wasRunning ? $"stopped the cluster at {directory}" : $"the cluster at {directory} was not running");
        return 0;
    }

    /// <summary>Prints each provisioning step as it completes: the server, the migrations, the login role, the demo data.</summary>
    private sealed class UpReport(int? port) : IProvisioningObserver
    {
        private string _owner = string.Empty;

        public void DatabaseReady(ProvisionedDatabase database)
        {
            _owner = database.OwnerRole;
            var server = CliConnection.ServerOf(database);
            if (database.Server.LocalCluster is { } local)
            {
                CliOutput.Field("server", $"{server}, PostgreSQL {database.ServerVersion} "
                    + $"(local cluster, {(local.StartedByThisProcess ? "started now" : "already running")})");
                CliOutput.Field("data", local.DataDirectory);
            }
            else
            {
                CliOutput.Field("server", $"{server}, PostgreSQL {database.ServerVersion} ({CliConnection.SourceOf(database)})");
                if (port is not null)
                {
                    CliOutput.Line("--port applies only to the local cluster; ignored");
                }
            }

            CliOutput.Field("database", $"{CliConnection.DatabaseOf(database)} as {database.OwnerRole}"
                + (database.OwnerIsSuperuser ? " (superuser)" : string.Empty));
        }

        public void MigrationProgress(string message) => CliOutput.Progress(message);

        public void MigrationsApplied(MigrationRun run)
        {
            CliOutput.Field("migrations", run.Applied.Count > 0
                ? $"applied now: {string.Join(", ", run.Applied)}"
                : $"up to date, already applied: {(run.AppliedBefore.Count == 0 ? "none" : string.Join(", ", run.AppliedBefore))}");
            if (run.Applied.Count > 0 && run.AppliedBefore.Count > 0)
            {
                CliOutput.Line($"already applied: {string.Join(", ", run.AppliedBefore)}");
            }
        }

        public void LoginRoleReady(string appConnectionString) => CliOutput.Field(
            "login role", $"{AppLoginRole.Name}: LOGIN NOINHERIT, owns no table, may switch to {string.Join(", ", RlsClaims.DatabaseRoles)}");

        public void LoginRoleSkipped() => CliOutput.Field(
            "login role", $"skipped: {_owner} is not a superuser, so {AppLoginRole.Name} is not created here; "
                + "the check below connects as that user instead");

        public void DemoDataSeeded(SeedResult result) => SeedCommand.Print(result);
    }

    private static async Task ShowTablesAsync(string ownerConnectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync(ct);

        var tables = new List<(string Name, bool Rls)>();
        await using (var list = new NpgsqlCommand(
            """
            SELECT c.relname, c.relrowsecurity
            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
            ORDER BY c.relname
            """, connection))
        await using (var reader = await list.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                tables.Add((reader.GetString(0), reader.GetBoolean(1)));
            }
        }

        var width = Math.Max(20, tables.Count == 0 ? 0 : tables.Max(t => t.Name.Length) + 2);
        CliOutput.Heading($"{"tables in public".PadRight(width + 2)}{"RLS",-6}{"rows",7}");
        if (tables.Count == 0)
        {
            CliOutput.Line("(none)");
        }

        foreach (var (name, rls) in tables)
        {
            var quoted = $"\"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM public.{quoted}", connection);
            var rows = (long)(await count.ExecuteScalarAsync(ct))!;
            CliOutput.Line($"{name.PadRight(width)}{(rls ? "on " : "OFF"),-6}{rows,7}");
        }

        await ShowBackendTablesAsync(connection, width, ct);
    }

    /// <summary>
    /// The backend's tables outside the API (the deletion queue): no API role but the service role has a grant on them,
    /// so they need no row-level security. The migration bookkeeping beside them is left out.
    /// </summary>
    private static async Task ShowBackendTablesAsync(NpgsqlConnection connection, int width, CancellationToken ct)
    {
        var tables = new List<(string Name, string Grants)>();
        await using (var list = new NpgsqlCommand(
            $$"""
            SELECT c.relname,
                   coalesce((SELECT string_agg(DISTINCT g.grantee, ', ') FROM information_schema.role_table_grants g
                              WHERE g.table_schema = n.nspname AND g.table_name = c.relname
                                AND g.grantee IN ('anon', 'authenticated', '{{RlsClaims.AdminRole}}', 'service_role')), 'nobody')
              FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = '{{DatabaseSchemas.Operations}}' AND c.relkind IN ('r', 'p')
               AND c.relname NOT IN ('{{DatabaseSchemas.MigrationsHistoryTable}}', 'migration_logs')
             ORDER BY c.relname
            """, connection))
        await using (var reader = await list.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                tables.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        if (tables.Count == 0)
        {
            return;
        }

        CliOutput.Heading($"backend tables in {DatabaseSchemas.Operations} (outside the API; no RLS, only the roles named have a grant)");
        foreach (var (name, grants) in tables)
        {
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM {DatabaseSchemas.Operations}.\"{name}\"", connection);
            var rows = (long)(await count.ExecuteScalarAsync(ct))!;
            CliOutput.Line($"{name.PadRight(width)}{grants,-14}{rows,7}");
        }
    }

    /// <summary>The prompt catalog through the prompt store, as the backend reads it, through the login role when there is one.</summary>
    private static async Task ShowPromptsAsync(ProvisionedDatabase database, CancellationToken ct)
    {
        await using var services = new ServiceCollection()
            .AddDomainPersistence(database.AppConnectionString ?? database.OwnerConnectionString)
            .AddDomainApplication()
            .BuildServiceProvider();
        PromptsCommand.Print(await services.GetRequiredService<PromptStore>().ListAsync(Caller.Service, ct));
    }

    /// <summary>Every profile (the database made one per auth user): role, display name, monthly limits, active keys.</summary>
    private static async Task ShowProfilesAsync(string ownerConnectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            """
            SELECT coalesce(p.email, p.user_id::text), p.role::text, p.display_name, p.monthly_token_limit, p.monthly_cost_limit_usd,
                   (SELECT count(*) FROM public.api_keys k WHERE k.user_id = p.user_id AND k.revoked_at IS NULL)
              FROM public.user_profiles p ORDER BY 1
            """,
            connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        CliOutput.Heading("profiles (one per auth user, made by the database; the role is what makes an admin)");
        var any = false;
        while (await reader.ReadAsync(ct))
        {
            any = true;
            var limits = ProfilesCommand.Limits(reader.IsDBNull(3) ? null : reader.GetInt64(3), reader.IsDBNull(4) ? null : reader.GetDecimal(4));
            CliOutput.Line($"{reader.GetString(0),-28}{reader.GetString(1),-7}{(reader.IsDBNull(2) ? "-" : reader.GetString(2)),-18}"
                + $"limits: {limits}; {reader.GetInt64(5)} active API key(s)");
        }

        if (!any)
        {
            CliOutput.Line("(none)");
        }
    }

    /// <summary>What the audit trail holds: entries per table, operation and actor role, then the newest few.</summary>
    private static async Task ShowAuditTrailAsync(string ownerConnectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync(ct);
        CliOutput.Heading("audit trail (written by the database for every writer; nobody can change it)");
        await using (var summary = new NpgsqlCommand(
            "SELECT table_name, operation::text, actor_role, count(*) FROM public.audit_logs GROUP BY 1, 2, 3 ORDER BY 1, 2, 3", connection))
        await using (var reader = await summary.ExecuteReaderAsync(ct))
        {
            var any = false;
            while (await reader.ReadAsync(ct))
            {
                any = true;
                CliOutput.Line($"{reader.GetString(0),-16}{reader.GetString(1),-10}by {reader.GetString(2),-16}{reader.GetInt64(3),5}");
            }

            if (!any)
            {
                CliOutput.Line("(empty)");
                return;
            }
        }

        await using var newest = new NpgsqlCommand(
            """
            SELECT a.id, a.occurred_at, a.operation::text, a.table_name, a.row_id, coalesce(p.email, a.actor_id::text, a.actor_role), a.actor_role,
                   coalesce((SELECT string_agg(k, ', ' ORDER BY k) FROM jsonb_object_keys(coalesce(a.new_values, a.old_values)) k), '')
              FROM public.audit_logs a LEFT JOIN public.user_profiles p ON p.user_id = a.actor_id
             ORDER BY a.id DESC LIMIT 5
            """,
            connection);
        await using var rows = await newest.ExecuteReaderAsync(ct);
        CliOutput.Line("newest:");
        while (await rows.ReadAsync(ct))
        {
            var columns = rows.GetString(7);
            CliOutput.Line($"  #{rows.GetInt64(0)} {rows.GetFieldValue<DateTimeOffset>(1):u} {rows.GetString(2)} {rows.GetString(3)} "
                + $"{(rows.IsDBNull(4) ? "(table)" : rows.GetGuid(4).ToString())} by {rows.GetString(5)} ({rows.GetString(6)})"
                + (columns.Length is > 0 and <= 80 ? $": {columns}" : string.Empty));
        }
    }

    /// <summary>
    /// Asks, as each user who owns sessions, how many sessions they see, through the application's login role when
    /// there is one; then as anon, and with no claims at all. True when nobody saw a row that is not theirs.
    /// </summary>
    private static async Task<bool> ShowIsolationAsync(ProvisionedDatabase database, CancellationToken ct)
    {
        var (owners, total) = await ReadSessionOwnersAsync(database.OwnerConnectionString, ct);
        var useAppLogin = database.AppConnectionString is not null;
        var loginName = useAppLogin ? AppLoginRole.Name : database.OwnerRole;
        var connectionString = database.AppConnectionString ?? database.OwnerConnectionString;
        var contexts = new DomainDbContextFactory(DomainDbContextOptions.Create(connectionString));

        CliOutput.Heading($"row-level security, connected as {loginName}");
        if (owners.Count == 0)
        {
            CliOutput.Line("no user owns a session yet");
        }

        var width = Math.Max(20, owners.Count == 0 ? 0 : owners.Max(o => (o.Email ?? o.Id.ToString()).Length) + 10);
        var isolated = true;
        foreach (var (userId, email, owned) in owners)
        {
            await using var context = contexts.ForUser(userId, email);
            var seen = await context.Sessions.CountAsync(ct);
            var foreign = await context.Sessions.CountAsync(s => s.UserId != userId, ct);
            var line = $"{(email ?? userId.ToString()).PadRight(width)}sees {Sessions(seen)} (owns {owned} of {total})";
            if (seen != owned || foreign != 0)
            {
                isolated = false;
                line += $"  <-- expected {owned}, {foreign} of them someone else's";
            }

            CliOutput.Line(line);

            var filesSeen = await context.Files.CountAsync(ct);
            var foreignFiles = await context.Files.CountAsync(f => f.UserId != userId, ct);
            var filesOwned = await CountOwnedFilesAsync(database.OwnerConnectionString, userId, ct);
            var files = $"{string.Empty.PadRight(width)}sees {filesSeen} files (owns {filesOwned})";
            if (filesSeen != filesOwned || foreignFiles != 0)
            {
                isolated = false;
                files += $"  <-- expected {filesOwned}, {foreignFiles} of them someone else's";
            }

            CliOutput.Line(files);
        }

        // Admins by their profile act as domain_admin: they read every session and change only their own.
        foreach (var (adminId, adminEmail) in await ReadAdminsAsync(database.OwnerConnectionString, ct))
        {
            await using var context = contexts.For(RlsClaims.ForAdmin(adminId, adminEmail));
            var seen = await context.Sessions.CountAsync(ct);
            isolated &= seen == total;
            CliOutput.Line($"{$"{adminEmail ?? adminId.ToString()} (admin)".PadRight(width)}sees {Sessions(seen)} (every session, as {RlsClaims.AdminRole})"
                + (seen == total ? string.Empty : $"  <-- expected {total}"));
        }

        await using (var anon = contexts.AsAnon())
        {
            var seen = await anon.Sessions.CountAsync(ct);
            var files = await anon.Files.CountAsync(ct);
            isolated &= seen == 0 && files == 0;
            CliOutput.Line($"{"anon".PadRight(width)}sees {Sessions(seen)}, {files} files{(seen + files == 0 ? string.Empty : "  <-- expected 0")}");
        }

        if (useAppLogin)
        {
            isolated &= await ShowWithoutClaimsAsync(connectionString, width, ct);
        }

        return isolated;
    }

    // Defence in depth: a connection that forgets the claims must reach nothing, because the login role owns nothing.
    private static async Task<bool> ShowWithoutClaimsAsync(string appConnectionString, int width, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(appConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM public.sessions", connection);
        try
        {
            var seen = (long)(await command.ExecuteScalarAsync(ct))!;
            CliOutput.Line($"{"no claims".PadRight(width)}sees {Sessions(seen)}{(seen == 0 ? string.Empty : "  <-- expected none")}");
            return seen == 0;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            CliOutput.Line($"{"no claims".PadRight(width)}refused: {ex.MessageText} ({AppLoginRole.Name} owns no table)");
            return true;
        }
    }

    private static async Task<(List<(Guid Id, string? Email, long Owned)> Owners, long Total)> ReadSessionOwnersAsync(
        string ownerConnectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync(ct);

        var owners = new List<(Guid, string?, long)>();
        await using (var command = new NpgsqlCommand(
            """
            SELECT u.id, u.email, count(*)
            FROM auth.users u JOIN public.sessions s ON s.user_id = u.id
            GROUP BY u.id, u.email
            ORDER BY u.email, u.id
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                owners.Add((reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt64(2)));
            }
        }

        await using var total = new NpgsqlCommand("SELECT count(*) FROM public.sessions", connection);
        return (owners, (long)(await total.ExecuteScalarAsync(ct))!);
    }

    private static async Task<List<(Guid Id, string? Email)>> ReadAdminsAsync(string ownerConnectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT user_id, email FROM public.user_profiles WHERE role = 'admin' ORDER BY email, user_id", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var admins = new List<(Guid, string?)>();
        while (await reader.ReadAsync(ct))
        {
            admins.Add((reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        }

        return admins;
    }

    private static string Sessions(long count) => count == 1 ? "1 session" : $"{count} sessions";

    private static async Task<long> CountOwnedFilesAsync(string ownerConnectionString, Guid userId, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM public.files WHERE user_id = @user", connection);
        command.Parameters.AddWithValue("user", userId);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
