namespace Domain.Api;

/// <summary>Names the API's assembly for hosts that start it in-process (<c>WebApplicationFactory&lt;DomainApi&gt;</c>).</summary>
public sealed class DomainApi
{
    private DomainApi()
    {
    }
}
