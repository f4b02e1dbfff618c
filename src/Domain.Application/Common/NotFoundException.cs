namespace Domain.Application.Common;

/// <summary>
/// The entity does not exist or is not the caller's: RLS makes the two indistinguishable, and the message says so.
/// </summary>
public sealed class NotFoundException : Exception
{
    public NotFoundException(string entity, Guid id)
        : this(entity, id, innerException: null)
    {
    }

    /// <summary>As <see cref="NotFoundException(string, Guid)"/>, keeping the database's refusal that showed it.</summary>
    public NotFoundException(string entity, Guid id, Exception? innerException)
        : base($"{entity} {id} was not found, or it belongs to another user.", innerException)
    {
        Entity = entity;
        Id = id;
    }

    public NotFoundException()
    {
        Entity = string.Empty;
    }

    public NotFoundException(string message)
        : base(message)
    {
        Entity = string.Empty;
    }

    public NotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
        Entity = string.Empty;
    }

    public string Entity { get; }

    public Guid Id { get; }
}
