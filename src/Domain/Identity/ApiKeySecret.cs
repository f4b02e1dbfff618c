using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Domain.Identity;

/// <summary>
/// The secret of an API key: <c>dk_</c> followed by 32 random bytes in base64url (46 characters in all). Only its
/// SHA-256 hash and its first <see cref="DisplayPrefixLength"/> characters are ever stored.
/// </summary>
/// <remarks>
/// A fast hash is enough, and a slow one would be wrong here: the secret is 256 bits from the operating system's
/// cryptographic generator, so nobody can search its space from a stolen hash, whatever the hash costs (a slow hash
/// such as bcrypt or Argon2 protects passwords people chose, which are guessable). And a deterministic, unsalted hash is
/// what lets a presented key be found with one equality lookup in a unique index; a salted slow hash would need a
/// lookup by prefix and then a deliberately expensive comparison per request, which turns every guess into work for
/// the server.
/// </remarks>
public static class ApiKeySecret
{
    /// <summary>What every key starts with, so that a leaked one is recognisable (secret scanners, logs).</summary>
    public const string Marker = "dk_";

    /// <summary>Random bytes in a key.</summary>
    public const int RandomBytes = 32;

    /// <summary>Characters of a key: the marker and the base64url form of <see cref="RandomBytes"/> bytes, without padding.</summary>
    public static readonly int Length = Marker.Length + Base64Url.GetEncodedLength(RandomBytes);

    /// <summary>How much of a key is kept to show it in lists: the marker and eight characters of the random part.</summary>
    public const int DisplayPrefixLength = 11;

    /// <summary>Bytes of the stored hash (SHA-256).</summary>
    public const int HashLength = 32;

    /// <summary>A new secret, from the operating system's cryptographic random number generator.</summary>
    public static string Generate()
    {
        Span<byte> random = stackalloc byte[RandomBytes];
        RandomNumberGenerator.Fill(random);
        return Marker + Base64Url.EncodeToString(random);
    }

    /// <summary>Whether <paramref name="presented"/> has the form of a key (not whether it is one).</summary>
    public static bool HasKeyForm(string? presented)
        => presented is not null
            && presented.Length == Length
            && presented.StartsWith(Marker, StringComparison.Ordinal)
            && presented.AsSpan(Marker.Length).IndexOfAnyExcept(Base64UrlCharacters) < 0;

    /// <summary>The SHA-256 hash of the key's UTF-8 bytes: what is stored and looked up.</summary>
    public static byte[] Hash(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return SHA256.HashData(Encoding.UTF8.GetBytes(secret));
    }

    /// <summary>The part of a key shown in lists, so that its owner can tell keys apart.</summary>
    public static string DisplayPrefix(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return secret.Length < DisplayPrefixLength
            ? throw new ArgumentException("The secret is shorter than a key.", nameof(secret))
            : secret[..DisplayPrefixLength];
    }

    /// <summary>Compares two hashes in time that depends only on their length, never on where they first differ.</summary>
    public static bool HashesMatch(ReadOnlySpan<byte> stored, ReadOnlySpan<byte> presented)
        => CryptographicOperations.FixedTimeEquals(stored, presented);

    private static readonly System.Buffers.SearchValues<char> Base64UrlCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
}
