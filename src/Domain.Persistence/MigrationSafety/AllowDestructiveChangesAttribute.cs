namespace Domain.Persistence.MigrationSafety;

/// <summary>
/// Says on a migration that it means to drop, narrow or rename something, and why. Without it, <c>domain lint</c>
/// fails the migration.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class AllowDestructiveChangesAttribute : Attribute
{
    public AllowDestructiveChangesAttribute(string reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ArgumentException("Say why the destructive change is intended.", nameof(reason));
        }

        Reason = reason;
    }

    public string Reason { get; }
}
