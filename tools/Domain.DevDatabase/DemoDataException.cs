namespace Domain.DevDatabase;

/// <summary>The demo data could not be written: the schema is missing, or the role may not create users in <c>auth.users</c>.</summary>
public sealed class DemoDataException : InvalidOperationException
{
    public DemoDataException(string message)
        : base(message)
    {
    }

    public DemoDataException()
    {
    }

    public DemoDataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
