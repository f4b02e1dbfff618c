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

    /// <summary>
    /// The entity known by <paramref name="key"/> rather than an id (a prompt's tool and provider, say) does not exist.
    /// Used for shared data, which every signed-in caller reads: it is missing for all of them.
    /// </summary>
    public NotFoundException(string entity, string key, Exception? innerException = null)
        : base($"{entity} {key} was not found.", innerException)
    {
        Entity = entity;
        Key = key;
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

    /// <summary>What the entity is known by when it is not an id; null otherwise.</summary>
    public string? Key { get; }
}
