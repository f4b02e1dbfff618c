using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Domain.Persistence.RowLevelSecurity;

/// <summary>
/// Declares a table's row-level security inside its entity configuration: pick one shape (<see cref="OwnedBy"/>,
/// <see cref="SharedReferenceData"/> or <see cref="LedgerOwnedBy(Expression{Func{TEntity, Guid}})"/>), then, where the shape has them, the commands and
/// the columns callers may insert or update.
/// </summary>
/// <example>
/// <code>
/// builder.HasRowLevelSecurity(rls => rls
///     .OwnedBy(s => s.UserId)
///     .Commands(RowCommands.All)
///     .UpdateColumns(s => new { s.Title, s.Description }));
/// </code>
/// </example>
/// <typeparam name="TEntity">The entity type mapped to the table.</typeparam>
public sealed class RowLevelSecurityBuilder<TEntity>
    where TEntity : class
{
    private RowLevelSecurityShape? _shape;
    private string? _owner;
    private RowCommands? _commands;
    private IReadOnlyList<string>? _insertColumns;
    private IReadOnlyList<string>? _updateColumns;
    private bool _appendedByTriggersOnly;

    internal RowLevelSecurityBuilder()
    {
    }

    /// <summary>
    /// Rows that belong to the user whose id <paramref name="owner"/> holds: owners read their rows and write them as
    /// <see cref="Commands"/> allows (every command unless said otherwise); admins read every row and write only their
    /// own; anon reads nothing; the backend (service role) does everything.
    /// </summary>
    public RowLevelSecurityBuilder<TEntity> OwnedBy(Expression<Func<TEntity, Guid>> owner)
        => Shape(RowLevelSecurityShape.OwnedRows, PropertyName(owner));

    /// <summary>
    /// A ledger whose rows belong to the user whose id <paramref name="owner"/> holds: the backend (service role)
    /// appends and reads, owners read their own rows, admins read every row, and nobody updates or deletes.
    /// </summary>
    public RowLevelSecurityBuilder<TEntity> LedgerOwnedBy(Expression<Func<TEntity, Guid>> owner)
        => Shape(RowLevelSecurityShape.Ledger, PropertyName(owner));

    /// <summary>
    /// A ledger whose rows may belong to nobody (<paramref name="owner"/> null): as <see cref="LedgerOwnedBy(Expression{Func{TEntity, Guid}})"/>,
    /// and only admins read the rows nobody owns.
    /// </summary>
    public RowLevelSecurityBuilder<TEntity> LedgerOwnedBy(Expression<Func<TEntity, Guid?>> owner)
        => Shape(RowLevelSecurityShape.Ledger, PropertyName(owner));

    /// <summary>
    /// A ledger that only the database's own triggers append to (SECURITY DEFINER functions, running as the table's
    /// owner): no role is granted INSERT, not even the service role, so no caller can add a row the triggers did not write.
    /// </summary>
    public RowLevelSecurityBuilder<TEntity> AppendedOnlyByTriggers()
    {
        _appendedByTriggersOnly = true;
        return this;
    }

    /// <summary>
    /// Rows nobody owns that every signed-in caller reads; admins write them as <see cref="Commands"/> allows (every
    /// command unless said otherwise); anon reads nothing; the backend (service role) does everything.
    /// </summary>
    public RowLevelSecurityBuilder<TEntity> SharedReferenceData()
        => Shape(RowLevelSecurityShape.SharedReferenceData, owner: null);

    /// <summary>
    /// What owners may do with their rows (owned rows; admins may do the same with their own), or what admins may do
    /// (shared reference data). Must include <see cref="RowCommands.Select"/>; <see cref="RowCommands.AppendOnly"/>
    /// for history.
    /// </summary>
    public RowLevelSecurityBuilder<TEntity> Commands(RowCommands commands)
    {
        _commands = commands;
        return this;
    }

    /// <summary>The only properties callers may insert (the rest take their defaults); every property when not called.</summary>
    public RowLevelSecurityBuilder<TEntity> InsertColumns(Expression<Func<TEntity, object?>> properties)
        => InsertColumns([.. PropertyNames(properties)]);

    /// <inheritdoc cref="InsertColumns(Expression{Func{TEntity, object?}})"/>
    public RowLevelSecurityBuilder<TEntity> InsertColumns(params string[] propertyNames)
    {
        _insertColumns = [.. propertyNames];
        return this;
    }

    /// <summary>The only properties callers may update; every property when not called.</summary>
    public RowLevelSecurityBuilder<TEntity> UpdateColumns(Expression<Func<TEntity, object?>> properties)
        => UpdateColumns([.. PropertyNames(properties)]);

    /// <inheritdoc cref="UpdateColumns(Expression{Func{TEntity, object?}})"/>
    public RowLevelSecurityBuilder<TEntity> UpdateColumns(params string[] propertyNames)
    {
        _updateColumns = [.. propertyNames];
        return this;
    }

    /// <summary>The declaration, in property names.</summary>
    /// <exception cref="InvalidOperationException">No shape was chosen, or the choices contradict each other.</exception>
    internal RowLevelSecurityDeclaration Build()
    {
        var shape = _shape ?? throw new InvalidOperationException(
            $"The row-level security of {typeof(TEntity).Name} names no shape: call OwnedBy, SharedReferenceData or LedgerOwnedBy.");
        var commands = _commands ?? (shape == RowLevelSecurityShape.Ledger ? RowCommands.Select : RowCommands.All);
        try
        {
            return new RowLevelSecurityDeclaration(shape, _owner, commands, _insertColumns, _updateColumns, _appendedByTriggersOnly);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"The row-level security of {typeof(TEntity).Name} is inconsistent: {ex.Message}", ex);
        }
    }

    private RowLevelSecurityBuilder<TEntity> Shape(RowLevelSecurityShape shape, string? owner)
    {
        if (_shape is { } chosen && chosen != shape)
        {
            throw new InvalidOperationException($"The row-level security of {typeof(TEntity).Name} is already declared as {chosen}, not {shape}.");
        }

        _shape = shape;
        _owner = owner;
        return this;
    }

    private static string PropertyName(LambdaExpression property) => PropertyNames(property).Single();

    private static IEnumerable<string> PropertyNames(LambdaExpression properties)
        => properties.GetMemberAccessList().Select(member => member is PropertyInfo or FieldInfo
            ? member.Name
            : throw new ArgumentException($"{member.Name} is not a property of {typeof(TEntity).Name}.", nameof(properties)));
}
