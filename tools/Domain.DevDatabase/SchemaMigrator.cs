using Domain.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Domain.DevDatabase;

/// <summary>What a migration run changed.</summary>
/// <param name="Applied">Migrations applied by this run, in order.</param>
/// <param name="Reverted">Migrations reverted by this run, in order.</param>
/// <param name="AppliedBefore">Migrations that were applied before the run.</param>
public sealed record MigrationRun(IReadOnlyList<string> Applied, IReadOnlyList<string> Reverted, IReadOnlyList<string> AppliedBefore);

/// <summary>
/// Applies migrations with the migrator the bundles ship (<see cref="MigrationsDbContextFactory"/>, which logs every
/// step and reloads Npgsql's types after a run that changed anything), through the schema owner's connection, and says
/// what changed, one run at a time in this process (<see cref="ClusterWideChanges"/>). Provisioning, <c>domain migrate</c>,
/// <c>domain rollback</c> and the tests that migrate databases of their own use it.
/// </summary>
public static class SchemaMigrator
{
    /// <summary>
    /// Applies the pending migrations, or migrates up or down to <paramref name="target"/> (<c>0</c> reverts all).
    /// <paramref name="progress"/>, when given, hears each migration as it starts, and that none was applied.
    /// </summary>
    public static async Task<MigrationRun> MigrateAsync(
        string ownerConnectionString, string? target, Action<string>? progress, CancellationToken ct)
    {
        await using var context = MigrationsDbContextFactory.Create(ownerConnectionString, progress);
        var before = (await context.Database.GetAppliedMigrationsAsync(ct)).ToList();

        using (await ClusterWideChanges.EnterAsync(ct))
        {
            await context.GetService<IMigrator>().MigrateAsync(target, ct);
        }

        var after = (await context.Database.GetAppliedMigrationsAsync(ct)).ToList();
        var applied = after.Except(before, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var reverted = before.Except(after, StringComparer.Ordinal).OrderDescending(StringComparer.Ordinal).ToList();

        return new MigrationRun(applied, reverted, before);
    }
}
