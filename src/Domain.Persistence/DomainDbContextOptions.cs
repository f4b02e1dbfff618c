using System.Data.Common;
using Domain.Conversations;
using Domain.Persistence.Commands;
using Domain.Persistence.Connections;
using Domain.Persistence.Errors;
using Domain.Persistence.MigrationSafety;
using Domain.Persistence.Replicas;
using Domain.Persistence.Rls;
using Domain.Persistence.TableDeclarations;
using Domain.Sessions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Domain.Persistence;

/// <summary>The one place that configures EF Core for this model: provider, naming, enums, history table, interceptors.</summary>
public static class DomainDbContextOptions
{
    /// <summary>
    /// Configures <paramref name="builder"/> for PostgreSQL at <paramref name="connectionString"/>, reached as
    /// <paramref name="connectionMode"/> says (null: decided from the address, see <see cref="DomainPersistenceOptions.ConnectionMode"/>).
    /// </summary>
    public static DbContextOptionsBuilder<DomainDbContext> UseDomainDatabase(
        this DbContextOptionsBuilder<DomainDbContext> builder, string connectionString, DomainConnectionMode? connectionMode = null)
    {
        ConnectionStrings.EnsureUsable(connectionString);
        return builder
            .UseDomainModel(Tuned(connectionString, connectionMode), connectionMode)
            .AddInterceptors(LayerInterceptors);
    }

    /// <summary>
    /// The layer's interceptors, in this order: Npgsql's workarounds see a failure first, the claims interceptors carry
    /// the caller, the write positions of read-your-writes are taken after a write, the error translation comes last
    /// (it throws).
    /// </summary>
    private static IInterceptor[] LayerInterceptors =>
    [
        NpgsqlCommandInterceptor.Instance,
        ClaimsTransactionInterceptor.Instance,
        ClaimsCommandInterceptor.Instance,
        WritePositionInterceptor.Instance,
        DatabaseErrorInterceptor.Instance,
    ];

    /// <summary>The settings <see cref="Tuned(string, DomainConnectionMode?)"/> applies for the mode the address implies.</summary>
    public static string Tuned(string connectionString) => Tuned(connectionString, connectionMode: null);

    /// <summary>
    /// The Npgsql settings this layer runs best with for <paramref name="connectionMode"/> (null: decided from the
    /// address, see <see cref="DomainPersistenceOptions.ConnectionMode"/>), each applied unless the connection string sets it itself:
    /// <list type="bullet">
    /// <item><see cref="DomainConnectionMode.Direct"/>: Npgsql's reset of a pooled connection stays on (<c>No Reset On
    /// Close</c> is not set): before the next lease of a physical connection uses it, Npgsql resets the session's role,
    /// settings and temporary tables (keeping prepared statements), so whatever one caller's raw SQL left at session level
    /// never reaches the next caller, not even through raw Npgsql on the context's connection (its cost:
    /// docs/benchmarks.md). A connection string that sets <c>No Reset On Close=true</c> gives that guarantee up.
    /// And <c>Max Auto Prepare=50; Auto Prepare Min Usages=2</c>: a statement sent twice on a connection is prepared, so
    /// PostgreSQL plans it once per connection instead of on every call. RLS makes planning the larger part of a short
    /// query (the policies are planned into it).</item>
    /// <item><see cref="DomainConnectionMode.TransactionPooler"/>: <c>Max Auto Prepare=0</c>, since a statement prepared
    /// in one transaction is gone (or another client's) in the next; and <c>No Reset On Close=true</c>, since the reset
    /// would run on whichever server session the pooler picks next, not on the one the previous lease used: behind a
    /// transaction pooler nothing on the client can reset a server session, and the claims statement, which sets every
    /// setting the policies read in every transaction, is what keeps callers apart (README, Security).</item>
    /// </list>
    /// </summary>
    /// <exception cref="InvalidOperationException"><see cref="DomainConnectionMode.Direct"/> for Supabase's transaction pooler.</exception>
    public static string Tuned(string connectionString, DomainConnectionMode? connectionMode)
    {
        var mode = ConnectionModes.Resolve(connectionString, connectionMode);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var given = KeysOf(connectionString);
        if (mode == DomainConnectionMode.TransactionPooler)
        {
            if (!given.Contains("maxautoprepare"))
            {
                builder.MaxAutoPrepare = 0;
            }

            if (!given.Contains("noresetonclose"))
            {
                builder.NoResetOnClose = true;
            }
        }
        else if (!given.Contains("maxautoprepare"))
        {
            builder.MaxAutoPrepare = 50;
            if (!given.Contains("autoprepareminusages"))
            {
                builder.AutoPrepareMinUsages = 2;
            }
        }

        return builder.ConnectionString;
    }

    /// <summary>The keys the connection string sets, lower case without spaces (<c>No Reset On Close</c> and <c>NoResetOnClose</c> alike).</summary>
    private static HashSet<string> KeysOf(string connectionString)
    {
        var parsed = new DbConnectionStringBuilder { ConnectionString = connectionString };
        return parsed.Keys.Cast<string>()
            .Select(key => key.Replace(" ", string.Empty, StringComparison.Ordinal).ToLowerInvariant())
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Provider and model configuration without the claims interceptors: only for the migrating context,
    /// which runs as the schema owner. Application contexts use <see cref="UseDomainDatabase"/>.
    /// </summary>
    internal static DbContextOptionsBuilder<DomainDbContext> UseDomainModel(
        this DbContextOptionsBuilder<DomainDbContext> builder, string connectionString, DomainConnectionMode? connectionMode = null)
    {
        ((IDbContextOptionsBuilderInfrastructure)builder).AddOrUpdateExtension(new ConnectionModeOptionsExtension(connectionMode));
        return builder
            .ReplaceService<IMigrator, LockingLoggingMigrator>()
            .ReplaceService<IRelationalAnnotationProvider, TableDeclarationAnnotationProvider>()
            .ReplaceService<IMigrationsSqlGenerator, TableDeclarationMigrationsSqlGenerator>()
            .ReplaceService<IModelValidator, TableDeclarationModelValidator>()
            .UseNpgsql(connectionString, npgsql =>
            {
                PostgresEnums.Map(npgsql);
                npgsql.MigrationsHistoryTable(DatabaseSchemas.MigrationsHistoryTable, DatabaseSchemas.Operations);
            })
            .UseSnakeCaseNamingConvention();
    }

    /// <summary>Options for <paramref name="connectionString"/>, for code that does not use dependency injection.</summary>
    public static DbContextOptions<DomainDbContext> Create(string connectionString)
        => Create(connectionString, connectionMode: null, loggerFactory: null, additionalInterceptors: []);

    /// <summary>Options for <paramref name="connectionString"/> reached as <paramref name="connectionMode"/> says.</summary>
    public static DbContextOptions<DomainDbContext> Create(string connectionString, DomainConnectionMode? connectionMode)
        => Create(connectionString, connectionMode, loggerFactory: null, additionalInterceptors: []);

    /// <inheritdoc cref="Create(string, DomainConnectionMode?, ILoggerFactory?, IEnumerable{IInterceptor})"/>
    public static DbContextOptions<DomainDbContext> Create(
        string connectionString, ILoggerFactory? loggerFactory, IEnumerable<IInterceptor> additionalInterceptors)
        => Create(connectionString, connectionMode: null, loggerFactory, additionalInterceptors);

    /// <summary>
    /// Options for <paramref name="connectionString"/>, reached as <paramref name="connectionMode"/> says (null: decided
    /// from the address), that log through <paramref name="loggerFactory"/> (when given) and
    /// run <paramref name="additionalInterceptors"/> after the layer's own (the layer's are skipped there if present).
    /// </summary>
    public static DbContextOptions<DomainDbContext> Create(
        string connectionString, DomainConnectionMode? connectionMode, ILoggerFactory? loggerFactory, IEnumerable<IInterceptor> additionalInterceptors)
    {
        ArgumentNullException.ThrowIfNull(additionalInterceptors);
        var builder = new DbContextOptionsBuilder<DomainDbContext>().UseDomainDatabase(connectionString, connectionMode);
        var layer = LayerInterceptors;
        var others = additionalInterceptors.Where(i => !layer.Contains(i)).ToArray();
        if (others.Length > 0)
        {
            builder.AddInterceptors(others);
        }

        if (loggerFactory is not null)
        {
            builder.UseLoggerFactory(loggerFactory);
        }

        return builder.Options;
    }
}

/// <summary>Checks on connection strings, so that a missing or placeholder value fails at startup.</summary>
public static class ConnectionStrings
{
    /// <summary>Throws when <paramref name="connectionString"/> is empty, a placeholder, or not parseable.</summary>
    public static void EnsureUsable(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException("No database connection string is configured.");
        }

        if (connectionString.Contains("CHANGE_ME", StringComparison.OrdinalIgnoreCase)
            || connectionString.Contains("<password>", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("The database connection string still holds a placeholder; configure a real one.");
        }

        NpgsqlConnectionStringBuilder parsed;
        try
        {
            parsed = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"The database connection string is not valid: {ex.Message}", ex);
        }

        if (parsed.Multiplexing)
        {
            throw new InvalidOperationException(
                "Multiplexing=true shares one physical connection between transactions; RLS claims need it off.");
        }
    }
}
