namespace Domain.AspNetCore;

/// <summary>Settings of the web integration itself, bound from <see cref="SectionName"/>.</summary>
public sealed class DomainWebOptions
{
    /// <summary>The configuration section: <c>Domain:Web</c>.</summary>
    public const string SectionName = "Domain:Web";

    /// <summary>The name of the connection string: <c>ConnectionStrings:Domain</c> (environment: <c>ConnectionStrings__Domain</c>).</summary>
    public const string ConnectionStringName = "Domain";

    /// <summary>What a 503 for a transient database failure asks the client to wait (<c>Retry-After</c>, whole seconds, at least 1).</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(2);
}
