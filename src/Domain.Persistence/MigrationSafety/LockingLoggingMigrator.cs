#pragma warning disable EF1001 // Migrator is EF's pubternal implementation; subclassing it is the supported way to observe each step.
using Domain.Persistence.Connections;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Internal;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Domain.Persistence.MigrationSafety;

/// <summary>
/// EF's migrator, with the run lock and the log. A run holds <see cref="MigrationRunLock"/> from before it reads the
/// history until it ends, so runs started together apply each migration once; it refuses a transaction-mode pooler,
/// where that lock cannot hold, before it changes anything. Each step it really applies or reverts
/// gets a <c>running</c> row in <see cref="MigrationLog"/> on a separate connection first; the step's own transaction
/// turns it into <c>completed</c> or <c>rolled_back</c>; a failure turns it into <c>failed</c> with the error. Used by
/// <c>domain migrate</c> and by migration bundles alike, since both build the migrating context through
/// <see cref="MigrationsDbContextFactory"/>.
/// </summary>
public sealed class LockingLoggingMigrator : Migrator
{
    private readonly IRelationalConnection _connection;
    private readonly IRawSqlCommandBuilder _rawSqlCommandBuilder;
    private readonly ICurrentDbContext _currentContext;
    private readonly IRelationalCommandDiagnosticsLogger _commandLogger;
    private readonly IMigrationsAssembly _migrationsAssembly;
    private readonly IDatabaseProvider _databaseProvider;
    private readonly DomainConnectionMode? _configuredMode;
    private readonly List<long> _openSteps = [];
    private Guid? _runId;
    private MigrationRunLock? _runLock;

    public LockingLoggingMigrator(
        IMigrationsAssembly migrationsAssembly,
        IHistoryRepository historyRepository,
        IDatabaseCreator databaseCreator,
        IMigrationsSqlGenerator migrationsSqlGenerator,
        IRawSqlCommandBuilder rawSqlCommandBuilder,
        IMigrationCommandExecutor migrationCommandExecutor,
        IRelationalConnection connection,
        ISqlGenerationHelper sqlGenerationHelper,
        ICurrentDbContext currentContext,
        IModelRuntimeInitializer modelRuntimeInitializer,
        IDiagnosticsLogger<DbLoggerCategory.Migrations> logger,
        IRelationalCommandDiagnosticsLogger commandLogger,
        IDatabaseProvider databaseProvider,
        IMigrationsModelDiffer migrationsModelDiffer,
        IDesignTimeModel designTimeModel,
        IDbContextOptions contextOptions,
        IExecutionStrategy executionStrategy)
        : base(
            migrationsAssembly, historyRepository, databaseCreator, migrationsSqlGenerator, rawSqlCommandBuilder,
            migrationCommandExecutor, connection, sqlGenerationHelper, currentContext, modelRuntimeInitializer, logger,
            commandLogger, databaseProvider, migrationsModelDiffer, designTimeModel, contextOptions, executionStrategy)
    {
        _connection = connection;
        _rawSqlCommandBuilder = rawSqlCommandBuilder;
        _currentContext = currentContext;
        _commandLogger = commandLogger;
        _migrationsAssembly = migrationsAssembly;
        _databaseProvider = databaseProvider;
        _configuredMode = contextOptions.FindExtension<ConnectionModeOptionsExtension>()?.Configured;
    }

    /// <inheritdoc />
    public override void Migrate(string? targetMigration)
    {
        try
        {
            BeginRun();
            base.Migrate(targetMigration);
            ReloadTypesIfChanged();
        }
        catch (Exception ex)
        {
            FailOpenSteps(ex);
            throw;
        }
        finally
        {
            EndRun();
        }
    }

    /// <inheritdoc />
    public override async Task MigrateAsync(string? targetMigration, CancellationToken cancellationToken = default)
    {
        try
        {
            BeginRun();
            await base.MigrateAsync(targetMigration, cancellationToken);
            ReloadTypesIfChanged();
        }
        catch (Exception ex)
        {
            FailOpenSteps(ex);
            throw;
        }
        finally
        {
            EndRun();
        }
    }

    /// <summary>
    /// The SQL <paramref name="migrationId"/> runs when it is applied and when it is reverted (see <see cref="MigrationScript"/>),
    /// generated the way a run generates it, without running anything.
    /// </summary>
    public MigrationScript ScriptOf(string migrationId)
    {
        var ids = _migrationsAssembly.Migrations.Keys.Order(StringComparer.Ordinal).ToList();
        var index = ids.IndexOf(migrationId);
        if (index < 0)
        {
            throw new ArgumentException($"There is no migration {migrationId}.", nameof(migrationId));
        }

        var migration = CreateMigration(ids[index]);
        var previous = index == 0 ? null : CreateMigration(ids[index - 1]);
        return new MigrationScript(
            migrationId,
            MigrationScript.TextOf(base.GenerateUpSql(migration, MigrationsSqlGenerationOptions.Default)),
            MigrationScript.TextOf(base.GenerateDownSql(migration, previous, MigrationsSqlGenerationOptions.Default)));
    }

    /// <inheritdoc />
    protected override IReadOnlyList<MigrationCommand> GenerateUpSql(Migration migration, MigrationsSqlGenerationOptions options)
    {
        var commands = base.GenerateUpSql(migration, options);
        if (_runId is null)
        {
            return commands;
        }

        var checksum = MigrationScript.ChecksumOf(MigrationScript.TextOf(commands));
        var logId = StartStep(migration.GetId(), MigrationLog.Up, checksum);
        return [.. commands, FinishCommand(logId, MigrationLogStatus.Completed)];
    }

    /// <inheritdoc />
    protected override IReadOnlyList<MigrationCommand> GenerateDownSql(
        Migration migration, Migration? previousMigration, MigrationsSqlGenerationOptions options)
    {
        var commands = base.GenerateDownSql(migration, previousMigration, options);
        if (_runId is null)
        {
            return commands;
        }

        var logId = StartStep(migration.GetId(), MigrationLog.Down, checksum: null);
        return [.. commands, FinishCommand(logId, MigrationLogStatus.RolledBack)];
    }

    /// <summary>
    /// Npgsql caches the database's types per data source; a migration that creates or drops an enum would leave
    /// that cache stale for every later connection with the same connection string (enum unknown, or an old OID).
    /// The one place this process reloads them after migrating: bundles, <c>domain migrate</c> and provisioning alike.
    /// </summary>
    private void ReloadTypesIfChanged()
    {
        if (_openSteps.Count == 0)
        {
            return;
        }

        _connection.Open();
        try
        {
            ((NpgsqlConnection)_connection.DbConnection).ReloadTypes();
        }
        finally
        {
            _connection.Close();
        }
    }

    private Migration CreateMigration(string migrationId)
        => _migrationsAssembly.CreateMigration(_migrationsAssembly.Migrations[migrationId], _databaseProvider.Name);

    private void BeginRun()
    {
        _runId = Guid.CreateVersion7();
        _openSteps.Clear();
        _runLock = MigrationRunLock.Acquire(_connection.ConnectionString, _configuredMode);

        using var connection = OpenLogConnection();
        MigrationLog.EnsureCreatedAsync(connection).GetAwaiter().GetResult();
    }

    private void EndRun()
    {
        _runId = null;
        _runLock?.Dispose();
        _runLock = null;
    }

    private long StartStep(string migrationId, string direction, string? checksum)
    {
        using var connection = OpenLogConnection();
        using var command = new NpgsqlCommand(
            $"""
            INSERT INTO {MigrationLog.Table} (run_id, migration_id, direction, status, client_machine, tool, checksum)
            VALUES (@run, @migration, @direction, @running, @machine, @tool, @checksum)
            RETURNING id
            """, connection);
        command.Parameters.AddWithValue("run", _runId!.Value);
        command.Parameters.AddWithValue("migration", migrationId);
        command.Parameters.AddWithValue("direction", direction);
        command.Parameters.AddWithValue("running", MigrationLogStatus.Running.ToText());
        command.Parameters.AddWithValue("machine", Environment.MachineName);
        command.Parameters.AddWithValue("tool", AppDomain.CurrentDomain.FriendlyName);
        command.Parameters.AddWithValue("checksum", (object?)checksum ?? DBNull.Value);
        var id = (long)command.ExecuteScalar()!;
        _openSteps.Add(id);
        return id;
    }

    private MigrationCommand FinishCommand(long logId, MigrationLogStatus status)
    {
        var command = _rawSqlCommandBuilder.Build(MigrationLog.FinishSql(logId, status));
        return new MigrationCommand(command, _currentContext.Context, _commandLogger);
    }

    private void FailOpenSteps(Exception exception)
    {
        if (_openSteps.Count == 0)
        {
            return;
        }

        try
        {
            using var connection = OpenLogConnection();
            using var command = new NpgsqlCommand(
                $"""
                UPDATE {MigrationLog.Table}
                   SET status = @failed, finished_at = clock_timestamp(), error = @error,
                       duration_ms = (extract(epoch FROM clock_timestamp() - started_at) * 1000)::integer
                 WHERE id = ANY(@ids) AND status = @running
                """, connection);
            command.Parameters.AddWithValue("failed", MigrationLogStatus.Failed.ToText());
            command.Parameters.AddWithValue("running", MigrationLogStatus.Running.ToText());
            command.Parameters.AddWithValue("error", Describe(exception));
            command.Parameters.AddWithValue("ids", _openSteps.ToArray());
            command.ExecuteNonQuery();
        }
        catch (NpgsqlException logFailure)
        {
            throw new AggregateException(
                "A migration failed, and recording the failure in the migration log failed too.", exception, logFailure);
        }
    }

    private NpgsqlConnection OpenLogConnection()
    {
        var connection = new NpgsqlConnection(_connection.ConnectionString);
        connection.Open();
        return connection;
    }

    private static string Describe(Exception exception)
    {
        var postgres = exception as PostgresException ?? exception.InnerException as PostgresException;
        return postgres is null ? exception.Message : $"{postgres.SqlState}: {postgres.MessageText}";
    }
}
