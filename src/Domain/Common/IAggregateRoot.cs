namespace Domain.Common;

/// <summary>
/// Marks the root of an aggregate: the one entity through which the aggregate is loaded, changed (its methods hold
/// the invariants) and saved. Children are reached only through their root. The data layer treats a change to any
/// child as a change to its root (optimistic concurrency covers the whole aggregate).
/// </summary>
public interface IAggregateRoot
{
    /// <summary>The root's identifier, which every child's key carries.</summary>
    Guid Id { get; }
}
