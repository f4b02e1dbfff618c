using Domain.AspNetCore;
using Domain.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Domain.UnitTests.Web;

public sealed class SupabaseAuthOptionsTests
{
    private const string Connection = "Host=127.0.0.1;Username=domain_app;Password=domain_app;Database=domain";
    private const string Secret = "a-legacy-secret-that-is-long-enough-for-hs256";

    [Fact]
    public void ProjectUrl_GivesTheIssuerAndTheJwksUrl_AsSupabaseServesThem()
    {
        var options = new SupabaseAuthOptions { Url = "https://abcdefghijklmnop.supabase.co/" };

        Assert.Equal("https://abcdefghijklmnop.supabase.co/auth/v1", options.ResolvedIssuer);
        Assert.Equal(new Uri("https://abcdefghijklmnop.supabase.co/auth/v1/.well-known/jwks.json"), options.ResolvedJwksUri);
        Assert.True(Validate(options).Succeeded);
    }

    [Theory]
    [InlineData(null, null, "Supabase:Url is not set")]
    [InlineData("https://<project-ref>.supabase.co", null, "Supabase:Url still holds a placeholder")]
    [InlineData("https://abcdefghijklmnop.supabase.co", "CHANGE_ME_CHANGE_ME_CHANGE_ME_CHANGE_ME", "Supabase:JwtSecret still holds a placeholder")]
    [InlineData("https://abcdefghijklmnop.supabase.co", "short", "Supabase:JwtSecret is 5 characters long")]
    [InlineData("http://abcdefghijklmnop.supabase.co", null, "without HTTPS")]
    public void InvalidSettings_FailNamingTheSetting(string? url, string? secret, string expected)
    {
        var result = Validate(new SupabaseAuthOptions { Url = url, JwtSecret = secret });

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void JwksUrl_OverHttp_IsAllowedOnlyOnLoopback()
    {
        Assert.True(Validate(new SupabaseAuthOptions { Url = "http://127.0.0.1:54321" }).Succeeded);
        var remote = Validate(new SupabaseAuthOptions { Issuer = "https://x.supabase.co/auth/v1", JwksUrl = "http://keys.example.test/jwks.json" });
        Assert.Contains(remote.Failures!, f => f.StartsWith("Supabase:JwksUrl must use HTTPS", StringComparison.Ordinal));
    }

    [Fact]
    public void LegacySecretAlone_WithAnIssuer_IsEnough()
    {
        Assert.True(Validate(new SupabaseAuthOptions { Issuer = "https://x.supabase.co/auth/v1", JwtSecret = Secret }).Succeeded);
    }

    [Theory]
    [InlineData(null, "is not set")]
    [InlineData("Host=127.0.0.1;Password=CHANGE_ME", "placeholder")]
    public void MissingOrPlaceholderConnectionString_FailsAtRegistration_NamingIt(string? connection, string expected)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration["ConnectionStrings:Domain"] = connection;

        var ex = Assert.Throws<InvalidOperationException>(() => builder.AddDomainForSupabase());

        Assert.StartsWith("ConnectionStrings:Domain", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected == "is not set" ? "No database connection string" : expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidSupabaseSettings_FailWhenTheHostStarts_NamingEachSetting()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration["ConnectionStrings:Domain"] = Connection;
        builder.Configuration["Supabase:JwtSecret"] = "your-super-secret-jwt-token-with-at-least-32-characters-long";
        builder.AddDomainForSupabase();
        using var app = builder.Build();

        var ex = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(ex.Failures, f => f.StartsWith("Supabase:Url is not set", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("Supabase:JwtSecret still holds a placeholder", StringComparison.Ordinal));
    }

    private static ValidateOptionsResult Validate(SupabaseAuthOptions options) => new SupabaseAuthOptionsValidator().Validate(null, options);
}
