using Domain.Cli.MigrationInspection;
using Domain.DevDatabase;
using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence;
using Domain.Persistence.MigrationSafety;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Domain.IntegrationTests.Migrations;

/// <summary>Runs started together, failures, backups and the log: what EF Core alone does not promise.</summary>
[Collection(MigrationsCollection.Name)]
public sealed class MigrationSafetyTests
{
    [Fact]
    public async Task TwoRunsStartedTogether_BothSucceed_AndEachMigrationIsAppliedOnce()
    {
        await using var database = await ScratchDatabase.CreateAsync("mig_race");
        var connection = database.ConnectionString;
        using var start = new Barrier(2);
        using var otherDatabasesWait = await ClusterWideChanges.EnterAsync();
        var runs = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            await using var context = MigrationsDbContextFactory.Create(connection);
            start.SignalAndWait();
            await context.Database.MigrateAsync();
        }));

        await Task.WhenAll(runs);

        await using var check = MigrationsDbContextFactory.Create(connection);
        var migrations = check.Database.GetMigrations().ToList();
        Assert.Equal(migrations, await check.Database.GetAppliedMigrationsAsync());
        var log = await MigrationLogReader.ReadAsync(connection, 100);
        Assert.Equal(migrations.Count, log.Count);
        Assert.All(log, entry => Assert.Equal(MigrationLogStatus.Completed, entry.Status));
        Assert.Equal(migrations.Order(), log.Select(e => e.MigrationId).Order());
    }

    [Fact]
    public async Task FailingMigration_LeavesTheSchemaAsItWas_LogsTheFailure_AndTheCliExitsNonZero()
    {
        await using var database = await ScratchDatabase.CreateAsync("mig_fail");
        var connection = database.ConnectionString;
        // A table in the way makes the first migration fail half-way, after its shim and schemas were created.
        await TestServer.ExecuteAsync(connection, "CREATE TABLE public.session_drafts (id int); INSERT INTO public.session_drafts VALUES (7);");
        var before = await SchemaFingerprint.ReadAsync(connection);

        var result = await CliRunner.RunAsync("migrate", "--connection", connection);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("session_drafts", result.Error, StringComparison.Ordinal);
        Assert.Equal(Without(before, "domain_ops"), Without(await SchemaFingerprint.ReadAsync(connection), "domain_ops"));
        Assert.Equal(7, await TestServer.ScalarAsync<int>(connection, "SELECT id FROM public.session_drafts"));
        var entry = Assert.Single(await MigrationLogReader.ReadAsync(connection, 10));
        Assert.Equal(MigrationLogStatus.Failed, entry.Status);
        Assert.Contains("already exists", entry.Error, StringComparison.Ordinal);
        Assert.NotNull(entry.DurationMs);
        Assert.Equal(0L, await TestServer.ScalarAsync<long>(connection, "SELECT count(*) FROM domain_ops.\"__EFMigrationsHistory\""));
    }

    [Fact]
    public async Task BackupThatFails_StopsTheMigrationBeforeAnythingChanges()
    {
        await using var database = await ScratchDatabase.CreateAsync("mig_backup");
        var connection = database.ConnectionString;

        var refused = await CliRunner.RunAsync("migrate", "--connection", connection, "--backup", "/nonexistent-dir/backup.dump");

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("backup failed", refused.Error, StringComparison.Ordinal);
        Assert.Equal(0L, await TestServer.ScalarAsync<long>(connection, "SELECT count(*) FROM pg_namespace WHERE nspname = 'domain_private'"));

        var file = Path.Combine(Path.GetTempPath(), $"domain-backup-{Guid.NewGuid():N}.dump");
        try
        {
            var ok = await CliRunner.RunAsync("migrate", "--connection", connection, "--backup", file);
            Assert.True(ok.ExitCode == 0, ok.Error);
            Assert.True(new FileInfo(file).Length > 0);
            Assert.Contains("applied", ok.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task StatusAndRollback_ThroughTheCli_ReportAndRevert()
    {
        await using var database = await ScratchDatabase.CreateAsync("mig_cli");
        var connection = database.ConnectionString;
        Assert.Equal(0, (await CliRunner.RunAsync("migrate", "--connection", connection)).ExitCode);

        var status = await CliRunner.RunAsync("status", "--connection", connection);
        Assert.True(status.ExitCode == 0, status.Output + status.Error);
        Assert.Contains("checksum ok", status.Output, StringComparison.Ordinal);
        Assert.Contains("schema      matches the model", status.Output, StringComparison.Ordinal);

        // A column added behind the model's back is drift, and status says so with a non-zero exit.
        await TestServer.ExecuteAsync(connection, "ALTER TABLE public.sessions ADD COLUMN sneaky int");
        var drifted = await CliRunner.RunAsync("status", "--connection", connection);
        Assert.Equal(2, drifted.ExitCode);
        Assert.Contains("sessions.sneaky", drifted.Output, StringComparison.Ordinal);
        await TestServer.ExecuteAsync(connection, "ALTER TABLE public.sessions DROP COLUMN sneaky");

        // Without --yes and with nobody to ask, rollback refuses and changes nothing.
        var unconfirmed = await CliRunner.RunAsync("rollback", "--to", "0", "--connection", connection);
        Assert.Equal(3, unconfirmed.ExitCode);
        Assert.Contains("table public.sessions (0 rows)", unconfirmed.Output, StringComparison.Ordinal);
        Assert.Equal(MigrationLinter.ShippedMigrations().Count, await TestServer.ScalarAsync<long>(connection, "SELECT count(*) FROM domain_ops.\"__EFMigrationsHistory\""));

        var rolledBack = await CliRunner.RunAsync("rollback", "--to", "0", "--yes", "--connection", connection);
        Assert.True(rolledBack.ExitCode == 0, rolledBack.Error);
        Assert.Equal(0L, await TestServer.ScalarAsync<long>(connection, "SELECT count(*) FROM domain_ops.\"__EFMigrationsHistory\""));
        var log = await MigrationLogReader.ReadAsync(connection, 10);
        Assert.Equal(MigrationLogStatus.RolledBack, log[0].Status);
        Assert.Equal("down", log[0].Direction);

        var pending = await CliRunner.RunAsync("status", "--connection", connection);
        Assert.Equal(2, pending.ExitCode);
        Assert.Contains("pending", pending.Output, StringComparison.Ordinal);
    }

    private static string Without(string fingerprint, string marker)
        => string.Join('\n', fingerprint.Split('\n').Where(line => !line.Contains(marker, StringComparison.Ordinal)));


}
