using Domain.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace Domain.UnitTests.Web;

public sealed class ApiKeyCredentialsTests
{
    private const string Header = ApiKeyAuthenticationOptions.DefaultHeaderName;
    private const string Key = "dk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    [Theory]
    [InlineData("X-Api-Key", Key)]
    [InlineData("x-api-key", "  " + Key + " ")]
    [InlineData("Authorization", "ApiKey " + Key)]
    [InlineData("Authorization", "apikey   " + Key)]
    public void OneKey_InTheKeyHeaderOrAuthorization_IsRead(string header, string value)
    {
        var request = Request((header, value));

        var credentials = ApiKeyCredentials.Read(request, Header);

        Assert.True(ApiKeyCredentials.IsPresented(request, Header));
        Assert.Equal(new ApiKeyCredentials(ApiKeyPresentation.Key, Key, null), credentials);
    }

    [Theory]
    [InlineData("X-Api-Key", "")]
    [InlineData("Authorization", "ApiKey")]
    [InlineData("Authorization", "ApiKey   ")]
    public void AnEmptyKey_IsStillAKey_ForVerificationToRefuse_NeverNoCredentials(string header, string value)
    {
        var request = Request((header, value));

        Assert.True(ApiKeyCredentials.IsPresented(request, Header));
        Assert.Equal(new ApiKeyCredentials(ApiKeyPresentation.Key, string.Empty, null), ApiKeyCredentials.Read(request, Header));
    }

    [Theory]
    [InlineData("Authorization", "Bearer eyJhbGciOi.x.y")]
    [InlineData("Authorization", "ApiKeys " + Key)]
    [InlineData("Authorization", "Basic YTpi")]
    [InlineData("apikey", "sb_publishable_xyz")]
    [InlineData("X-Api-Key-Other", Key)]
    public void NoKey_InEitherHeader_IsNotTheSchemesRequest(string header, string value)
    {
        var request = Request((header, value));

        Assert.False(ApiKeyCredentials.IsPresented(request, Header));
        Assert.Equal(ApiKeyPresentation.None, ApiKeyCredentials.Read(request, Header).Presentation);
    }

    [Fact]
    public void AKeyInTheQueryString_IsNotRead()
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString($"?api_key={Key}&X-Api-Key={Key}&apikey={Key}");

        Assert.False(ApiKeyCredentials.IsPresented(context.Request, Header));
        Assert.Equal(ApiKeyPresentation.None, ApiKeyCredentials.Read(context.Request, Header).Presentation);
    }

    [Theory]
    [InlineData("Bearer eyJhbGciOi.x.y", "an Authorization header")]
    [InlineData("Basic YTpi", "an Authorization header")]
    [InlineData("ApiKey " + Key, "both in X-Api-Key and in Authorization")]
    public void AKeyHeader_WithAnyAuthorizationHeader_Conflicts(string authorization, string expected)
    {
        var request = Request(("X-Api-Key", Key), ("Authorization", authorization));

        var credentials = ApiKeyCredentials.Read(request, Header);

        Assert.True(ApiKeyCredentials.IsPresented(request, Header));
        Assert.Equal(ApiKeyPresentation.Conflicting, credentials.Presentation);
        Assert.Null(credentials.Key);
        Assert.Contains(expected, credentials.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoKeyHeaders_OrAnApiKeyAndABearerInAuthorization_Conflict()
    {
        var twoKeys = Request(("X-Api-Key", Key), ("X-Api-Key", Key));
        var keyAndBearer = Request(("Authorization", "ApiKey " + Key), ("Authorization", "Bearer eyJhbGciOi.x.y"));

        Assert.Contains("more than one X-Api-Key", ApiKeyCredentials.Read(twoKeys, Header).Problem, StringComparison.Ordinal);
        Assert.Contains("more than one Authorization", ApiKeyCredentials.Read(keyAndBearer, Header).Problem, StringComparison.Ordinal);
        Assert.True(ApiKeyCredentials.IsPresented(keyAndBearer, Header));
    }

    [Fact]
    public void AConfiguredHeader_ReplacesXApiKey_AndAuthorizationStillCarriesKeys()
    {
        var custom = Request(("X-Service-Key", Key));
        var standard = Request(("X-Api-Key", Key));
        var authorization = Request(("Authorization", "ApiKey " + Key));

        Assert.Equal(Key, ApiKeyCredentials.Read(custom, "X-Service-Key").Key);
        Assert.False(ApiKeyCredentials.IsPresented(standard, "X-Service-Key"));
        Assert.Equal(Key, ApiKeyCredentials.Read(authorization, "X-Service-Key").Key);
    }

    private static HttpRequest Request(params (string Name, string Value)[] headers)
    {
        // As the server hands them over: every value kept, an empty one too (the indexer would drop it).
        var values = headers.GroupBy(h => h.Name, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => new StringValues(g.Select(h => h.Value).ToArray()), StringComparer.OrdinalIgnoreCase);
        var context = new DefaultHttpContext();
        context.Features.Get<IHttpRequestFeature>()!.Headers = new HeaderDictionary(values);
        return context.Request;
    }
}
