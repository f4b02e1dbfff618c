using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.EntityFrameworkCore.Design;

namespace Domain.Persistence;

/// <summary>
/// The context that applies migrations: it connects as the schema owner and sends no claims. Used by
/// <c>dotnet ef</c>, migration bundles and <c>domain migrate</c>. The connection string comes from
/// <c>--connection</c> (bundles), <c>ConnectionStrings__Domain</c> or <c>DATABASE_URL</c>; the connection mode from
/// <c>Domain__Persistence__ConnectionMode</c> (<see cref="DomainPersistenceOptions.ConnectionModeVariable"/>).
/// Migrations need a direct or session-mode connection: a run refuses a transaction-mode pooler before it changes
/// anything (<see cref="MigrationSafety.MigrationRunLock"/>).
/// </summary>
public sealed class MigrationsDbContextFactory : IDesignTimeDbContextFactory<DomainDbContext>
{
    /// <summary>Used when no connection is configured, so that design-time commands that need none still work.</summary>
    internal const string DesignTimePlaceholder = "Host=127.0.0.1;Database=domain;Username=postgres";

    /// <inheritdoc />
    public DomainDbContext CreateDbContext(string[] args)
    {
        var connectionString = ConnectionStringResolver.Resolve(explicitConnection: null) ?? DesignTimePlaceholder;
        return Create(connectionString, progress: null, DomainPersistenceOptions.ConnectionModeFromEnvironment());
    }

    /// <summary>
    /// A migrating context for <paramref name="connectionString"/>; <paramref name="progress"/>, when given, hears each
    /// migration as it starts being applied or reverted. <paramref name="connectionMode"/> is how the connection reaches
    /// PostgreSQL (null: <see cref="DomainPersistenceOptions.ConnectionModeVariable"/>, else decided from the address);
    /// a run refuses <see cref="DomainConnectionMode.TransactionPooler"/>.
    /// </summary>
    public static DomainDbContext Create(string connectionString, Action<string>? progress = null, DomainConnectionMode? connectionMode = null)
    {
        ConnectionStrings.EnsureUsable(connectionString);
        var builder = new DbContextOptionsBuilder<DomainDbContext>()
            .UseDomainModel(connectionString, connectionMode ?? DomainPersistenceOptions.ConnectionModeFromEnvironment());
        if (progress is not null)
        {
            builder.LogTo(
                progress,
                [RelationalEventId.MigrationApplying, RelationalEventId.MigrationReverting, RelationalEventId.MigrationsNotApplied],
                LogLevel.Information,
                DbContextLoggerOptions.None);
        }

        return new DomainDbContext(builder.Options);
    }
}
