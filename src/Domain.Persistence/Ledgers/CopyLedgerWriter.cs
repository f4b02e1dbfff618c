using System.Linq.Expressions;
using System.Reflection;
using Domain.Persistence.Errors;
using Domain.Persistence.Rls;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Npgsql;

namespace Domain.Persistence.Ledgers;

/// <summary>
/// Appends batches of <typeparamref name="TRecord"/> to the ledger table the EF model maps it to, with binary COPY, in
/// one transaction per batch, as the service role: the transaction is started through EF on a context from
/// <see cref="DomainDbContextFactory.AsServiceRole"/>, so the claims interceptor switches it to <c>service_role</c>
/// before the COPY runs. The login role owns no table and may not insert by itself; the claims are what authorise the
/// write, and a transaction that did not get them is refused before anything is sent. Every ledger uses it
/// (<c>usage_logs</c> as <see cref="Usage.UsageLogWriter"/>, <c>prompt_performance</c>).
/// </summary>
/// <remarks>
/// <para>The table, its columns, their store types and the values come from the EF model, so the writer follows the
/// mapping of <typeparamref name="TRecord"/> and cannot drift from it. The record's primary key must be one
/// <see cref="Guid"/> property made by the client (its idempotency key), and every mapped property must be one the
/// record holds (no shadow properties); the constructor refuses anything else.</para>
/// <para>Duplicates: a batch either commits whole or not at all. A caller that does not know whether an earlier attempt
/// committed (its commit acknowledgement was lost) passes <c>someMayBeStored</c>: the ids already stored are then
/// looked up first, in the same transaction, and skipped. If the COPY still meets the primary key (the same record
/// recorded twice, or an earlier transaction that committed after the look-up), the batch is retried once more without
/// the stored ids. So a record is never stored twice and never left out: the first row committed under an id is the
/// one kept.</para>
/// <para>Why not <c>COPY</c> into a temporary table and <c>INSERT ... ON CONFLICT (id) DO NOTHING</c> on every batch:
/// it costs every batch markedly more than a plain COPY to protect against a failure that is rare, while the look-up
/// of stored ids is only paid on a retry (the figures are in docs/benchmarks.md, "IngestAlternatives").</para>
/// </remarks>
/// <typeparam name="TRecord">The ledger's record, mapped by the model to a table.</typeparam>
public class CopyLedgerWriter<TRecord> : ILedgerWriter<TRecord>
    where TRecord : class
{
    /// <summary>Retries without stored ids after a primary-key violation, before the violation is reported.</summary>
    private const int MaxSkipRounds = 3;

    private readonly DomainDbContextFactory _contexts;
    private readonly LedgerLayout _layout;

    /// <exception cref="InvalidOperationException">The model does not map <typeparamref name="TRecord"/> as a ledger
    /// the writer can append to; the message says why.</exception>
    public CopyLedgerWriter(DomainDbContextFactory contexts)
    {
        ArgumentNullException.ThrowIfNull(contexts);
        _contexts = contexts;
        using var db = contexts.AsServiceRole();
        _layout = LedgerLayout.From(db);
    }

    /// <summary>The table the writer appends to, schema-qualified and quoted, as the model maps it.</summary>
    public string TableName => _layout.QualifiedTable;

    /// <summary>
    /// Inserts <paramref name="records"/> in one transaction as the service role and commits. Returns how many rows
    /// were inserted and how many were skipped because their id was already stored.
    /// </summary>
    /// <param name="records">The batch; written whole or not at all.</param>
    /// <param name="someMayBeStored">
    /// True when an earlier attempt with some of these records may have committed: stored ids are looked up and
    /// skipped before the COPY instead of after a primary-key violation.
    /// </param>
    /// <param name="cancellationToken">Cancels the write. Cancelled during the commit, the batch may or may not
    /// have committed: retry with <paramref name="someMayBeStored"/>.</param>
    /// <exception cref="DataAccessException">The database refused the batch (grants, a check, a key); nothing was written.</exception>
    /// <exception cref="NpgsqlException">The connection failed (<see cref="NpgsqlException.IsTransient"/> says
    /// whether a retry may succeed); if it failed during the commit, the batch may have committed.</exception>
    public async Task<LedgerAppendResult> AppendAsync(
        IReadOnlyList<TRecord> records, bool someMayBeStored = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return default;
        }

        var skipStored = someMayBeStored;
        for (var round = 0; ; round++)
        {
            try
            {
                return await AppendOnceAsync(records, skipStored, cancellationToken);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation
                && ex.ConstraintName == _layout.PrimaryKeyName && round < MaxSkipRounds)
            {
                // Some ids are stored already: the same record recorded twice, or a commit whose acknowledgement was
                // lost. The transaction rolled back; write the batch again without them.
                skipStored = true;
            }
            catch (Exception ex) when (DatabaseErrorTranslator.Translate(ex) is { } translated)
            {
                throw translated;
            }
        }
    }

    private async Task<LedgerAppendResult> AppendOnceAsync(IReadOnlyList<TRecord> records, bool skipStored, CancellationToken cancellationToken)
    {
        await using var db = _contexts.AsServiceRole();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!ReferenceEquals(db.ClaimsTransaction, transaction.GetDbTransaction()))
        {
            throw new RlsContextException(
                $"The {_layout.TableName} transaction did not get the service role's claims when it started; nothing was written.");
        }

        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var toWrite = records;
        if (skipStored)
        {
            var distinct = records.DistinctBy(_layout.IdOf).ToList();
            var stored = await StoredIdsAsync(connection, distinct, cancellationToken);
            toWrite = stored.Count == 0 ? distinct : distinct.FindAll(r => !stored.Contains(_layout.IdOf(r)));
        }

        if (toWrite.Count > 0)
        {
            await using var importer = await connection.BeginBinaryImportAsync(_layout.CopySql, cancellationToken);
            foreach (var record in toWrite)
            {
                await importer.StartRowAsync(cancellationToken);
                foreach (var column in _layout.Columns)
                {
                    await column.WriteAsync(importer, record, cancellationToken);
                }
            }

            await importer.CompleteAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new LedgerAppendResult(toWrite.Count, records.Count - toWrite.Count);
    }

    /// <summary>The ids of <paramref name="records"/> already in the table, read in the writer's transaction.</summary>
    private async Task<HashSet<Guid>> StoredIdsAsync(NpgsqlConnection connection, List<TRecord> records, CancellationToken cancellationToken)
    {
        // A command of its own, created fresh rather than taken from connection.CreateCommand(), which Npgsql
        // recycles even after a broken connection (see ClaimsCommandInterceptor.CommandCreating); this look-up runs
        // right after one.
        await using var command = new NpgsqlCommand(_layout.StoredIdsSql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = records.Select(_layout.IdOf).ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var stored = new HashSet<Guid>();
        while (await reader.ReadAsync(cancellationToken))
        {
            stored.Add(reader.GetGuid(0));
        }

        return stored;
    }

    /// <summary>The ledger table as the EF model maps <typeparamref name="TRecord"/>: table, primary key, columns.</summary>
    private sealed class LedgerLayout
    {
        private LedgerLayout(
            string tableName,
            string qualifiedTable,
            string primaryKeyName,
            Func<TRecord, Guid> idOf,
            IReadOnlyList<LedgerColumn> columns,
            string copySql,
            string storedIdsSql)
        {
            TableName = tableName;
            QualifiedTable = qualifiedTable;
            PrimaryKeyName = primaryKeyName;
            IdOf = idOf;
            Columns = columns;
            CopySql = copySql;
            StoredIdsSql = storedIdsSql;
        }

        public string TableName { get; }

        public string QualifiedTable { get; }

        public string PrimaryKeyName { get; }

        /// <summary>A record's id: its primary key, which makes a second write of it harmless.</summary>
        public Func<TRecord, Guid> IdOf { get; }

        public IReadOnlyList<LedgerColumn> Columns { get; }

        public string CopySql { get; }

        /// <summary>Which of the ids in parameter <c>$1</c> (an array) are stored.</summary>
        public string StoredIdsSql { get; }

        public static LedgerLayout From(DomainDbContext db)
        {
            var name = typeof(TRecord).Name;
            var entity = db.Model.FindEntityType(typeof(TRecord))
                ?? throw new InvalidOperationException($"The model does not map {name}.");
            var table = entity.GetTableName()
                ?? throw new InvalidOperationException($"{name} is not mapped to a table.");
            var store = StoreObjectIdentifier.Table(table, entity.GetSchema());
            var sql = db.GetService<ISqlGenerationHelper>();

            var columns = new List<LedgerColumn>();
            foreach (var property in entity.GetProperties())
            {
                if (property.IsShadowProperty())
                {
                    throw new InvalidOperationException(
                        $"{name}.{property.Name} is a shadow property: the {table} writer only writes values the record holds.");
                }

                var column = property.GetColumnName(store)
                    ?? throw new InvalidOperationException($"{name}.{property.Name} has no column in {table}.");
                columns.Add(LedgerColumn.For(property, column, property.GetRelationalTypeMapping()));
            }

            var qualified = sql.DelimitIdentifier(table, entity.GetSchema());
            var key = entity.FindPrimaryKey();
            if (key is not { Properties: [{ ClrType: var keyType, PropertyInfo: { } idProperty } id] } || keyType != typeof(Guid))
            {
                throw new InvalidOperationException(
                    $"{name}'s primary key must be one Guid property: the writer relies on it to store each record once.");
            }

            var idColumn = sql.DelimitIdentifier(id.GetColumnName(store)!);
            var columnList = string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.Name)));
            var copy = $"COPY {qualified} ({columnList}) FROM STDIN (FORMAT BINARY)";
            var storedIds = $"SELECT {idColumn} FROM {qualified} WHERE {idColumn} = ANY($1)";
            return new LedgerLayout(table, qualified, key.GetName()!, Getter<Guid>(idProperty), columns, copy, storedIds);
        }

        /// <summary>A compiled read of <paramref name="property"/>: no reflection per record.</summary>
        public static Func<TRecord, T> Getter<T>(PropertyInfo property)
        {
            var record = Expression.Parameter(typeof(TRecord), "record");
            return Expression.Lambda<Func<TRecord, T>>(Expression.Property(record, property), record).Compile();
        }
    }

    /// <summary>One column: how to read its value from a record and the store type to send it as.</summary>
    private abstract class LedgerColumn(string name, string storeType)
    {
        public string Name { get; } = name;

        protected string StoreType { get; } = storeType;

        /// <summary>
        /// A typed reader and writer when the property maps without a value converter (every column today): no boxing
        /// and no per-value type resolution, which made the model-driven COPY about 16 % slower than a hand-written
        /// one (10,000 rows, measured here). A converted property goes through the boxed path.
        /// </summary>
        public static LedgerColumn For(IProperty property, string name, RelationalTypeMapping mapping)
        {
            if (mapping.Converter is null && property.PropertyInfo is { } info)
            {
                var typed = typeof(TypedColumn<>).MakeGenericType(typeof(TRecord), property.ClrType);
                return (LedgerColumn)Activator.CreateInstance(typed, name, info, mapping.StoreTypeNameBase)!;
            }

            return new ConvertedColumn(name, property.GetGetter(), mapping.Converter, mapping.StoreTypeNameBase);
        }

        public abstract Task WriteAsync(NpgsqlBinaryImporter importer, TRecord record, CancellationToken cancellationToken);
    }

    private sealed class TypedColumn<T>(string name, PropertyInfo property, string storeType) : LedgerColumn(name, storeType)
    {
        private readonly Func<TRecord, T> _read = LedgerLayout.Getter<T>(property);

        public override Task WriteAsync(NpgsqlBinaryImporter importer, TRecord record, CancellationToken cancellationToken)
        {
            var value = _read(record);
            if (value is null)
            {
                return importer.WriteNullAsync(cancellationToken);
            }

            if (typeof(T) == typeof(DateTimeOffset))
            {
                // timestamptz holds an instant; Npgsql only writes it from a UTC offset.
                return importer.WriteAsync(((DateTimeOffset)(object)value).ToUniversalTime(), StoreType, cancellationToken);
            }

            return importer.WriteAsync(value, StoreType, cancellationToken);
        }
    }

    private sealed class ConvertedColumn(string name, IClrPropertyGetter getter, ValueConverter? converter, string storeType)
        : LedgerColumn(name, storeType)
    {
        public override Task WriteAsync(NpgsqlBinaryImporter importer, TRecord record, CancellationToken cancellationToken)
        {
            var value = getter.GetClrValue(record);
            if (converter is not null)
            {
                value = converter.ConvertToProvider(value);
            }

            return value switch
            {
                null => importer.WriteNullAsync(cancellationToken),
                DateTimeOffset instant => importer.WriteAsync(instant.ToUniversalTime(), StoreType, cancellationToken),
                _ => importer.WriteAsync(value, StoreType, cancellationToken),
            };
        }
    }
}
