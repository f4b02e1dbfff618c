using System.CommandLine;
using System.Globalization;
using Domain.Application.Common;
using Domain.Application.Identity;

namespace Domain.Cli.Commands;

/// <summary>
/// <c>domain keys create|list|revoke|verify</c>: API keys through <see cref="ApiKeyStore"/>, as the backend. <c>create</c>
/// prints the secret once; the database keeps only its hash.
/// </summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var user = new Option<Guid>("--user") { Description = "The user the key acts for (their auth.users id)", Required = true };
        var scopes = new Option<string[]>("--scope")
        {
            Description = "A scope the key carries, for example sessions:read (repeat for more)",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var name = new Option<string>("--name") { Description = "What the key is for (default: cli)", DefaultValueFactory = _ => "cli" };
        var expires = new Option<string?>("--expires") { Description = "When the key stops working: 30d, 12h, or a UTC date/time such as 2027-01-31T00:00Z (default: never)" };
        var create = new Command("create", "Issue an API key for a user and print its secret, once") { user, scopes, name, expires };
        create.SetAction(CliOutput.ReportingFailures((parseResult, ct) => CreateAsync(
            parseResult, parseResult.GetValue(user), parseResult.GetValue(scopes)!, parseResult.GetValue(name)!, parseResult.GetValue(expires), ct)));

        var listUser = new Option<Guid?>("--user") { Description = "Only this user's keys (default: every user's)" };
        var active = new Option<bool>("--active") { Description = "Leave out revoked keys" };
        var list = new Command("list", "List API keys, newest first (prefix, scopes, expiry, revocation, last use; never a secret)") { listUser, active };
        list.SetAction(CliOutput.ReportingFailures((parseResult, ct) => ListAsync(parseResult, parseResult.GetValue(listUser), parseResult.GetValue(active), ct)));

        var id = new Option<Guid>("--id") { Description = "The key's id (keys list shows it)", Required = true };
        var revoke = new Command("revoke", "Revoke an API key for good") { id };
        revoke.SetAction(CliOutput.ReportingFailures((parseResult, ct) => RevokeAsync(parseResult, parseResult.GetValue(id), ct)));

        var verify = new Command("verify", "Read a key from standard input and say whom it acts for, or why it is refused");
        verify.SetAction(CliOutput.ReportingFailures(VerifyAsync));

        return new Command("keys", "API keys: create (prints the secret once), list, revoke, verify") { create, list, revoke, verify };
    }

    /// <summary>30d, 12h, 90m, or an ISO 8601 date/time (UTC unless it says otherwise).</summary>
    internal static DateTimeOffset? ParseExpiry(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value.Trim();
        var unit = text[^1];
        if (unit is 'd' or 'h' or 'm' && int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0)
        {
            return now + unit switch
            {
                'd' => TimeSpan.FromDays(count),
                'h' => TimeSpan.FromHours(count),
                _ => TimeSpan.FromMinutes(count),
            };
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : throw new InvalidOperationException($"--expires '{value}' is neither a duration (30d, 12h, 90m) nor a date/time (2027-01-31T00:00Z).");
    }

    private static async Task<int> CreateAsync(ParseResult parseResult, Guid user, string[] scopes, string name, string? expires, CancellationToken ct)
    {
        await using var cli = await CliServices.OpenAsync(parseResult, ct);
        var expiresAt = ParseExpiry(expires, cli.Get<TimeProvider>().GetUtcNow());
        var issued = await cli.Get<ApiKeyStore>().CreateAsync(Caller.Service, new CreateApiKeyRequest(name, scopes, expiresAt, user), ct);
        Print(issued.Key);
        CliOutput.Field("secret", issued.Secret);
        CliOutput.Line("shown once: the database keeps only its SHA-256 hash. Send it as the X-Api-Key header.");
        return 0;
    }

    private static async Task<int> ListAsync(ParseResult parseResult, Guid? user, bool active, CancellationToken ct)
    {
        await using var cli = await CliServices.OpenAsync(parseResult, ct);
        var keys = await cli.Get<ApiKeyStore>().ListAsync(Caller.Service, new ListApiKeysRequest(user, IncludeRevoked: !active, ListApiKeysRequest.MaxPageSize), ct);
        CliOutput.Field("keys", keys.Count == 0 ? "none" : $"{keys.Count}, newest first");
        foreach (var key in keys)
        {
            Print(key);
        }

        return 0;
    }

    private static async Task<int> RevokeAsync(ParseResult parseResult, Guid id, CancellationToken ct)
    {
        await using var cli = await CliServices.OpenAsync(parseResult, ct);
        Print(await cli.Get<ApiKeyStore>().RevokeAsync(Caller.Service, id, ct));
        return 0;
    }

    private static async Task<int> VerifyAsync(ParseResult parseResult, CancellationToken ct)
    {
        var presented = (await Console.In.ReadLineAsync(ct))?.Trim();
        await using var cli = await CliServices.OpenAsync(parseResult, ct);
        var verification = await cli.Get<ApiKeyStore>().VerifyAsync(presented, requiredScopes: null, ct);
        if (verification.Caller is { } caller)
        {
            CliOutput.Field("accepted", $"key {verification.KeyId} acts for {caller.UserId} as {(caller.IsAdmin ? "admin" : "user")}, "
                + $"scopes {string.Join(", ", caller.Scopes!.Order(StringComparer.Ordinal))}");
            return 0;
        }

        CliOutput.Field("refused", $"{verification.Refusal}{(verification.KeyId is { } key ? $" (key {key})" : string.Empty)}");
        return 2;
    }

    private static void Print(ApiKeyDto key)
    {
        var state = key.RevokedAt is { } revoked ? $"revoked {revoked:u}"
            : key.ExpiresAt is { } expiry ? $"expires {expiry:u}"
            : "does not expire";
        CliOutput.Field("key", $"{key.Id}  {key.Prefix}…  \"{key.Name}\" for {key.UserId}");
        CliOutput.Line($"scopes {string.Join(", ", key.Scopes)}; created {key.CreatedAt:u}; {state}; "
            + (key.LastUsedAt is { } used ? $"last used {used:u}" : "never used"));
    }
}
