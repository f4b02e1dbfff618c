using Domain.AspNetCore;
using Domain.AspNetCore.Authentication;
using Domain.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Domain.UnitTests.Web;

public sealed class ApiKeyAuthenticationOptionsTests
{
    private const string Connection = "Host=127.0.0.1;Username=domain_app;Password=domain_app;Database=domain";

    [Theory]
    [InlineData("", "Domain:Web:ApiKeys:HeaderName is empty")]
    [InlineData("X Api Key", "Domain:Web:ApiKeys:HeaderName ('X Api Key') is not a header name")]
    [InlineData("authorization", "Domain:Web:ApiKeys:HeaderName cannot be Authorization")]
    [InlineData("apikey", "Domain:Web:ApiKeys:HeaderName cannot be 'apikey'")]
    [InlineData("ApiKey", "Domain:Web:ApiKeys:HeaderName cannot be 'apikey'")]
    public void AnUnusableHeader_FailsWhenTheHostStarts_NamingTheSetting(string header, string expected)
    {
        using var app = Build(header);

        var ex = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(ex.Failures, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("X-Service-Key")]
    public void TheDefaultOrAnotherHeader_Starts(string? header)
    {
        using var app = Build(header);

        app.Services.GetRequiredService<IStartupValidator>().Validate();

        var options = app.Services.GetRequiredService<IOptionsMonitor<ApiKeyAuthenticationOptions>>().Get(DomainAuthentication.ApiKeyScheme);
        Assert.Equal(header ?? "X-Api-Key", options.HeaderName);
    }

    [Fact]
    public void AScopeRequirement_NamesAtLeastOneScope()
    {
        Assert.Throws<ArgumentException>(() => new ApiKeyScopeRequirement([]));
        Assert.Throws<ArgumentException>(() => new ApiKeyScopeRequirement(["sessions:read", " "]));
        Assert.Equal(["sessions:read"], new ApiKeyScopeRequirement(["sessions:read", "sessions:read"]).Scopes);
    }

    private static WebApplication Build(string? header)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration["ConnectionStrings:Domain"] = Connection;
        builder.Configuration["Supabase:Url"] = "https://abcdefghijklmnop.supabase.co";
        if (header is not null)
        {
            builder.Configuration["Domain:Web:ApiKeys:HeaderName"] = header;
        }

        builder.AddDomainForSupabase().AddApiKeys();
        return builder.Build();
    }
}
