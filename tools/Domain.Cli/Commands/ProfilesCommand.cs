using System.CommandLine;
using System.Globalization;
using Domain.Application.Common;
using Domain.Application.Identity;
using Domain.Identity;

namespace Domain.Cli.Commands;

/// <summary>
/// <c>domain profiles list|show|update|set-role|set-limits</c>: user profiles through <see cref="ProfileStore"/>, as the
/// backend (which alone may set roles and limits).
/// </summary>
internal static class ProfilesCommand
{
    public static Command Create()
    {
        var limit = new Option<int>("--limit") { Description = "How many, newest first (default 50)", DefaultValueFactory = _ => ListProfilesRequest.DefaultPageSize };
        var list = new Command("list", "List profiles, newest first: the admin's view of every user") { limit };
        list.SetAction(CliOutput.ReportingFailures((parseResult, ct) => ListAsync(parseResult, parseResult.GetValue(limit), ct)));

        var showUser = UserOption();
        var show = new Command("show", "Show one profile and where the user stands against their monthly limits") { showUser };
        show.SetAction(CliOutput.ReportingFailures((parseResult, ct) => ShowAsync(parseResult, parseResult.GetValue(showUser), ct)));

        var updateUser = UserOption();
        var displayName = new Option<string?>("--display-name") { Description = "The new display name ('' clears it)" };
        var avatarUrl = new Option<string?>("--avatar-url") { Description = "The new avatar URL, http or https ('' clears it)" };
        var preferences = new Option<string?>("--preferences") { Description = "The new preferences, a JSON object" };
        var update = new Command("update", "Change what the user edits on their profile (the others stay as they are)")
        {
            updateUser, displayName, avatarUrl, preferences,
        };
        update.SetAction(CliOutput.ReportingFailures((parseResult, ct) => UpdateAsync(
            parseResult, parseResult.GetValue(updateUser), parseResult.GetValue(displayName), parseResult.GetValue(avatarUrl),
            parseResult.GetValue(preferences), ct)));

        var roleUser = UserOption();
        var role = new Option<UserRole>("--role") { Description = "user or admin", Required = true };
        var setRole = new Command("set-role", "Make the user an admin or an ordinary user (their next token, and the layer's callers, follow)") { roleUser, role };
        setRole.SetAction(CliOutput.ReportingFailures((parseResult, ct) => SetRoleAsync(parseResult, parseResult.GetValue(roleUser), parseResult.GetValue(role), ct)));

        var limitsUser = UserOption();
        var tokens = new Option<string?>("--tokens") { Description = "Tokens a month, or none" };
        var cost = new Option<string?>("--cost") { Description = "US dollars a month, or none" };
        var setLimits = new Command("set-limits", "Set the user's monthly token and cost limits (a limit not given stays as it is)") { limitsUser, tokens, cost };
        setLimits.SetAction(CliOutput.ReportingFailures((parseResult, ct) => SetLimitsAsync(
            parseResult, parseResult.GetValue(limitsUser), parseResult.GetValue(tokens), parseResult.GetValue(cost), ct)));

        return new Command("profiles", "User profiles: list, show, update, set-role, set-limits") { list, show, update, setRole, setLimits };
    }

    /// <summary>Prints one profile; shared with <c>domain up</c>.</summary>
    public static void Print(ProfileDto profile)
    {
        CliOutput.Field("profile", $"{profile.UserId}  {profile.Email ?? "(no e-mail)"}  {profile.Role.ToString().ToLowerInvariant()}"
            + (profile.DisplayName is { } name ? $"  \"{name}\"" : string.Empty));
        CliOutput.Line($"monthly limits: {Limits(profile.MonthlyTokenLimit, profile.MonthlyCostLimitUsd)}; preferences {profile.Preferences}"
            + (profile.AvatarUrl is { } avatar ? $"; avatar {avatar}" : string.Empty));
    }

    internal static string Limits(long? tokens, decimal? cost)
        => tokens is null && cost is null
            ? "none"
            : $"{(tokens is { } t ? $"{t:N0} tokens" : "tokens unlimited")}, {(cost is { } c ? $"{c.ToString("0.00####", CultureInfo.InvariantCulture)} USD" : "cost unlimited")}";

    private static Option<Guid> UserOption() => new("--user") { Description = "The user's auth.users id", Required = true };

    private static async Task<int> ListAsync(ParseResult parseResult, int limit, CancellationToken ct)
    {
        await using var cli = await CliServices.OpenAsync(parseResult, ct);
        var profiles = await cli.Get<ProfileStore>().ListAsync(Caller.Service, new ListProfilesRequest(limit), ct);
        CliOutput.Field("profiles", profiles.Count == 0 ? "none" : $"{profiles.Count}, newest first");
        foreach (var profile in profiles)
        {
            Print(profile);
        }

        return 0;
    }

    private static async Task<int> ShowAsync(ParseResult parseResult, Guid user, CancellationToken ct)
    {
        await using var cli = await CliServices.OpenAsync(parseResult, ct);
        Print(await cli.Get<ProfileStore>().GetAsync(Caller.Service, user, ct));
        var status = await cli.Get<UsageLimitCheck>().CheckAsync(Caller.Service, new CheckUsageLimitsRequest(user), ct);
        CliOutput.Field("this month", status.HasLimits
            ? $"{status.TokensUsed:N0} tokens, {status.CostUsdUsed.ToString(CultureInfo.InvariantCulture)} USD used since {status.PeriodStart:u}"
                + (status.LimitPassedBy(0, 0) is { } passed ? $"; the {passed} limit is reached" : "; within the limits")
            : "no limits, so usage is not summed");
        return 0;
    }

    private static async Task<int> UpdateAsync(
        ParseResult parseResult, Guid user, string? displayName, string? avatarUrl, string? preferences, CancellationToken ct)
    {
        await using var cli = await CliServices.OpenAsync(parseResult, ct);
        var profiles = cli.Get<ProfileStore>();

        // The user edits their profile: act as them, so the database's column grants are the ones a user has.
        var caller = Caller.User(user);
        var current = await profiles.GetOwnAsync(caller, ct);
        var request = new UpdateProfileRequest(
            displayName is null ? current.DisplayName : displayName.Length == 0 ? null : displayName,
            avatarUrl is null ? current.AvatarUrl : avatarUrl.Length == 0 ? null : avatarUrl,
            preferences ?? current.Preferences);
        Print(await profiles.UpdateOwnAsync(caller, request, ct));
        return 0;
    }

    private static async Task<int> SetRoleAsync(ParseResult parseResult, Guid user, UserRole role, CancellationToken ct)
    {
        await using var cli = await CliServices.OpenAsync(parseResult, ct);
        Print(await cli.Get<ProfileStore>().SetRoleAsync(Caller.Service, user, new SetRoleRequest(role), ct));
        return 0;
    }

    private static async Task<int> SetLimitsAsync(ParseResult parseResult, Guid user, string? tokens, string? cost, CancellationToken ct)
    {
        await using var cli = await CliServices.OpenAsync(parseResult, ct);
        var profiles = cli.Get<ProfileStore>();
        var current = await profiles.GetAsync(Caller.Service, user, ct);
        var request = new SetMonthlyLimitsRequest(
            tokens is null ? current.MonthlyTokenLimit : ParseLimit(tokens, "--tokens", long.Parse),
            cost is null ? current.MonthlyCostLimitUsd : ParseLimit(cost, "--cost", text => decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture)));
        Print(await profiles.SetMonthlyLimitsAsync(Caller.Service, user, request, ct));
        return 0;
    }

    private static T? ParseLimit<T>(string text, string option, Func<string, T> parse)
        where T : struct
    {
        if (text.Trim().Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            return parse(text.Trim());
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException($"{option} '{text}' is neither a number nor none.", ex);
        }
        catch (OverflowException ex)
        {
            throw new InvalidOperationException($"{option} '{text}' is too large.", ex);
        }
    }
}
