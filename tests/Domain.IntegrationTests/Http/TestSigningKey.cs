using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Domain.IntegrationTests.Http;

/// <summary>A key that signs test tokens the way Supabase Auth signs access tokens, and its public JWK.</summary>
public sealed class TestSigningKey
{
    private TestSigningKey(SecurityKey key, string algorithm, Func<JsonWebKey>? publicJwk)
    {
        Key = key;
        Algorithm = algorithm;
        PublicJwk = publicJwk;
    }

    public SecurityKey Key { get; }

    public string Algorithm { get; }

    public string? KeyId => Key.KeyId;

    /// <summary>The JWK the JWKS endpoint serves for this key; null for a symmetric key, which Supabase never publishes.</summary>
    public Func<JsonWebKey>? PublicJwk { get; }

    /// <summary>A new P-256 key (ES256), the algorithm Supabase uses for new signing keys.</summary>
    public static TestSigningKey Es256(string keyId)
    {
        var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var key = new ECDsaSecurityKey(ecdsa) { KeyId = keyId };
        return new TestSigningKey(key, SecurityAlgorithms.EcdsaSha256, () =>
        {
            var parameters = ecdsa.ExportParameters(includePrivateParameters: false);
            return new JsonWebKey
            {
                Kty = JsonWebAlgorithmsKeyTypes.EllipticCurve,
                Crv = JsonWebKeyECTypes.P256,
                X = Base64UrlEncoder.Encode(parameters.Q.X),
                Y = Base64UrlEncoder.Encode(parameters.Q.Y),
                Kid = keyId,
                Alg = SecurityAlgorithms.EcdsaSha256,
                Use = JsonWebKeyUseNames.Sig,
            };
        });
    }

    /// <summary>A new 2048-bit RSA key (RS256).</summary>
    public static TestSigningKey Rs256(string keyId)
    {
        var rsa = RSA.Create(2048);
        var key = new RsaSecurityKey(rsa) { KeyId = keyId };
        return new TestSigningKey(key, SecurityAlgorithms.RsaSha256, () =>
        {
            var parameters = rsa.ExportParameters(includePrivateParameters: false);
            return new JsonWebKey
            {
                Kty = JsonWebAlgorithmsKeyTypes.RSA,
                N = Base64UrlEncoder.Encode(parameters.Modulus),
                E = Base64UrlEncoder.Encode(parameters.Exponent),
                Kid = keyId,
                Alg = SecurityAlgorithms.RsaSha256,
                Use = JsonWebKeyUseNames.Sig,
            };
        });
    }

    /// <summary>The legacy JWT secret (HS256), used as its UTF-8 bytes as Supabase does.</summary>
    public static TestSigningKey Hs256(string secret)
        => new(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256, null);

    /// <summary>A token with <paramref name="claims"/> (overriding the defaults a Supabase user token carries).</summary>
    public string Sign(TokenClaims claims)
    {
        var payload = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["iss"] = claims.Issuer,
            ["aud"] = claims.Audience,
            ["role"] = claims.Role,
            ["iat"] = EpochTime.GetIntDate(claims.IssuedAt.UtcDateTime),
            ["exp"] = EpochTime.GetIntDate(claims.Expires.UtcDateTime),
            ["aal"] = "aal1",
            ["is_anonymous"] = false,
            ["session_id"] = Guid.NewGuid().ToString(),
        };
        if (claims.Subject is { } sub)
        {
            payload["sub"] = sub.ToString();
            payload["email"] = $"{sub:N}@example.test";
        }

        if (claims.AppMetadata is { } metadata)
        {
            payload["app_metadata"] = metadata;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Claims = payload,
            SigningCredentials = new SigningCredentials(Key, Algorithm),
        };
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(descriptor);
    }

    /// <summary>The token <paramref name="signed"/> with its header replaced by <c>{"alg":"none"}</c> and no signature.</summary>
    public static string Unsigned(string signed)
    {
        var parts = signed.Split('.');
        var header = Base64UrlEncoder.Encode(JsonSerializer.Serialize(new { alg = "none", typ = "JWT" }));
        return $"{header}.{parts[1]}.";
    }
}

/// <summary>What a test token says; the defaults are those of a signed-in user's access token.</summary>
public sealed record TokenClaims(Guid? Subject, string Issuer)
{
    public string Audience { get; init; } = "authenticated";

    public string Role { get; init; } = "authenticated";

    public DateTimeOffset IssuedAt { get; init; } = DateTimeOffset.UtcNow.AddMinutes(-1);

    public DateTimeOffset Expires { get; init; } = DateTimeOffset.UtcNow.AddHours(1);

    public Dictionary<string, object>? AppMetadata { get; init; }
}
