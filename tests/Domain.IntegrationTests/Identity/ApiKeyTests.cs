using Domain.Application;
using Domain.Application.Common;
using Domain.Application.Identity;
using Domain.Common;
using Domain.Identity;
using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence.Errors;
using Domain.Persistence.Rls;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Domain.IntegrationTests.Identity;

/// <summary>
/// API keys through <see cref="ApiKeyStore"/>: issued with the secret shown once and stored nowhere; verified by hash
/// (right, wrong, malformed, revoked, expired, wrong scope); a verified key acts as its owner under row-level security;
/// <c>last_used_at</c> is written at most once a minute; owners manage only their own keys.
/// </summary>
public sealed class ApiKeyTests : DatabaseTest
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly ServiceProvider _services;
    private readonly ApiKeyStore _keys;

    public ApiKeyTests(MigratedDatabase database)
        : base(database)
    {
        _services = new ServiceCollection()
            .AddSingleton<TimeProvider>(_clock)
            .AddSingleton(database.Contexts)
            .AddDomainApplication()
            .BuildServiceProvider();
        _keys = _services.GetRequiredService<ApiKeyStore>();
    }

    public override async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task TheRightKey_ActsAsItsOwner_UnderRls_WithTheKeysScopes()
    {
        var (alice, bob) = (await Database.CreateUserAsync("alice@example.test"), await Database.CreateUserAsync());
        var alicesSession = await Database.SessionWithOneOfEachAsync(alice, "alice's");
        await Database.SessionWithOneOfEachAsync(bob, "bob's");
        var issued = await _keys.CreateAsync(Caller.User(alice), new CreateApiKeyRequest("ci", ["sessions:read", "sessions:write"]));

        var verified = await _keys.VerifyAsync(issued.Secret, ["sessions:read"]);

        Assert.True(verified.Succeeded);
        var caller = verified.Caller!;
        Assert.Equal((alice, issued.Key.Id, false), (caller.UserId, caller.ApiKeyId, caller.IsAdmin));
        Assert.Equal(["sessions:read", "sessions:write"], caller.Scopes!.Order(StringComparer.Ordinal));
        Assert.True(caller.HasScope("sessions:write"));
        Assert.False(caller.HasScope("keys:manage"));
        var seen = await _services.GetRequiredService<RequestPipeline>().RunAsync(
            caller, (db, ct) => db.Sessions.Select(s => s.Id).ToListAsync(ct), default);
        Assert.Equal([alicesSession.Id], seen);
    }

    [Fact]
    public async Task WrongMalformedRevokedExpiredAndUnscopedKeys_AreRefused_Each_ForItsReason()
    {
        var alice = await Database.CreateUserAsync();
        var revoked = await _keys.CreateAsync(Caller.User(alice), new CreateApiKeyRequest("revoked", ["sessions:read"]));
        var expiring = await _keys.CreateAsync(Caller.User(alice), new CreateApiKeyRequest("expiring", ["sessions:read"], _clock.GetUtcNow().AddHours(1)));
        var scoped = await _keys.CreateAsync(Caller.User(alice), new CreateApiKeyRequest("read only", ["sessions:read"]));
        await _keys.RevokeAsync(Caller.User(alice), revoked.Key.Id);

        Assert.Equal(ApiKeyRefusal.Unknown, (await _keys.VerifyAsync(ApiKeySecret.Generate())).Refusal);
        Assert.Equal(ApiKeyRefusal.Unknown, (await _keys.VerifyAsync(revoked.Secret[..^1] + (revoked.Secret[^1] == 'A' ? 'B' : 'A'))).Refusal);
        foreach (var malformed in new[] { null, "", "dk_short", revoked.Secret + "x", revoked.Secret.Replace("dk_", "xx_", StringComparison.Ordinal), " " + revoked.Secret[1..] })
        {
            Assert.Equal(ApiKeyRefusal.Malformed, (await _keys.VerifyAsync(malformed)).Refusal);
        }

        Assert.Equal((ApiKeyRefusal.Revoked, revoked.Key.Id), ((await _keys.VerifyAsync(revoked.Secret)).Refusal, (await _keys.VerifyAsync(revoked.Secret)).KeyId));
        Assert.True((await _keys.VerifyAsync(expiring.Secret)).Succeeded);
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(ApiKeyRefusal.Expired, (await _keys.VerifyAsync(expiring.Secret)).Refusal);

        var unscoped = await _keys.VerifyAsync(scoped.Secret, ["sessions:read", "sessions:write", "keys:manage"]);
        Assert.Equal(ApiKeyRefusal.MissingScope, unscoped.Refusal);
        Assert.Equal(["sessions:write", "keys:manage"], unscoped.MissingScopes);
        Assert.Null(unscoped.Caller);
    }

    [Fact]
    public async Task TheSecret_IsStoredNowhere_OnlyItsHashAndPrefix()
    {
        var alice = await Database.CreateUserAsync();
        var issued = await _keys.CreateAsync(Caller.User(alice), new CreateApiKeyRequest("ci", ["sessions:read"]));
        Assert.True((await _keys.VerifyAsync(issued.Secret)).Succeeded);
        await _keys.RevokeAsync(Caller.User(alice), issued.Key.Id);
        Assert.Equal(ApiKeyRefusal.Revoked, (await _keys.VerifyAsync(issued.Secret)).Refusal);

        var stored = await Database.EverythingStoredAsync();
        var random = issued.Secret[ApiKeySecret.Marker.Length..];
        Assert.DoesNotContain(random, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(random[ApiKeySecret.DisplayPrefixLength..], stored, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(issued.Secret)), stored, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(Convert.ToHexString(ApiKeySecret.Hash(issued.Secret)).ToLowerInvariant(), stored, StringComparison.Ordinal);
        Assert.Equal(issued.Secret[..ApiKeySecret.DisplayPrefixLength], issued.Key.Prefix);
        Assert.DoesNotContain(issued.Secret, issued.ToString(), StringComparison.Ordinal);

        // Nor does the audit trail copy the hash.
        Assert.Equal(0L, await Database.ScalarAsync<long>(
            "SELECT count(*) FROM public.audit_logs WHERE table_name = 'api_keys' AND (old_values ? 'key_hash' OR new_values ? 'key_hash')"));
    }

    [Fact]
    public async Task LastUse_IsWrittenAtMostOnceAMinute_NeverOnEveryCall()
    {
        var alice = await Database.CreateUserAsync();
        var issued = await _keys.CreateAsync(Caller.User(alice), new CreateApiKeyRequest("ci", ["sessions:read"]));
        Assert.Null(await StoredLastUseAsync(issued.Key.Id));

        await _keys.VerifyAsync(issued.Secret);
        var first = await StoredLastUseAsync(issued.Key.Id);
        Assert.Equal(_clock.GetUtcNow(), first!.Value.LastUsedAt, TimeSpan.FromMilliseconds(1));

        for (var i = 0; i < 5; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(10));
            Assert.True((await _keys.VerifyAsync(issued.Secret)).Succeeded);
        }

        // Fifty seconds on: no write at all, not even one that changes nothing (the row version is the same).
        Assert.Equal(first, await StoredLastUseAsync(issued.Key.Id));

        _clock.Advance(TimeSpan.FromSeconds(10));
        await _keys.VerifyAsync(issued.Secret);
        var second = await StoredLastUseAsync(issued.Key.Id);
        Assert.Equal(_clock.GetUtcNow(), second!.Value.LastUsedAt, TimeSpan.FromMilliseconds(1));
        Assert.NotEqual(first.Value.RowVersion, second.Value.RowVersion);
        Assert.Equal(1L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.audit_logs WHERE table_name = 'api_keys'"));

        // A refused key is not a use.
        await _keys.RevokeAsync(Caller.User(alice), issued.Key.Id);
        _clock.Advance(TimeSpan.FromMinutes(5));
        await _keys.VerifyAsync(issued.Secret);
        Assert.Equal(second.Value.LastUsedAt, (await StoredLastUseAsync(issued.Key.Id))!.Value.LastUsedAt);
    }

    [Fact]
    public async Task TheOwnersProfileRole_DecidesWhetherTheKeyActsAsAnAdmin()
    {
        var owner = await Database.CreateUserAsync();
        var issued = await _keys.CreateAsync(Caller.User(owner), new CreateApiKeyRequest("ops", ["admin:read"]));
        var profiles = _services.GetRequiredService<ProfileStore>();

        await profiles.SetRoleAsync(Caller.Service, owner, new SetRoleRequest(UserRole.Admin));
        Assert.True((await _keys.VerifyAsync(issued.Secret)).Caller!.IsAdmin);

        await profiles.SetRoleAsync(Caller.Service, owner, new SetRoleRequest(UserRole.User));
        Assert.False((await _keys.VerifyAsync(issued.Secret)).Caller!.IsAdmin);
    }

    [Fact]
    public async Task Owners_ManageOnlyTheirOwnKeys_AdminsReadAll_TheBackendIssuesForAnyone()
    {
        var (alice, bob, admin) = (await Database.CreateUserAsync(), await Database.CreateUserAsync(), await Database.CreateUserAsync());
        var alices = await _keys.CreateAsync(Caller.User(alice), new CreateApiKeyRequest("alice's", ["sessions:read"]));
        var bobs = await _keys.CreateAsync(Caller.Service, new CreateApiKeyRequest("bob's, by the backend", ["sessions:read"], UserId: bob));

        Assert.Equal(bob, bobs.Key.UserId);
        await Assert.ThrowsAsync<RlsViolationException>(
            () => _keys.CreateAsync(Caller.User(alice), new CreateApiKeyRequest("planted", ["sessions:read"], UserId: bob)));
        await Assert.ThrowsAsync<ValidationException>(() => _keys.CreateAsync(Caller.Service, new CreateApiKeyRequest("nobody's", ["sessions:read"])));

        Assert.Equal([alices.Key.Id], (await _keys.ListAsync(Caller.User(alice), new ListApiKeysRequest())).Select(k => k.Id));
        Assert.Empty(await _keys.ListAsync(Caller.User(alice), new ListApiKeysRequest(UserId: bob)));
        Assert.Empty(await _keys.ListAsync(Caller.Anonymous, new ListApiKeysRequest()));
        Assert.Equal(2, (await _keys.ListAsync(Caller.Admin(admin), new ListApiKeysRequest())).Count);

        await Assert.ThrowsAsync<NotFoundException>(() => _keys.RevokeAsync(Caller.User(alice), bobs.Key.Id));
        await Assert.ThrowsAsync<RlsViolationException>(() => _keys.RevokeAsync(Caller.Admin(admin), bobs.Key.Id));
        Assert.Null((await _keys.ListAsync(Caller.Service, new ListApiKeysRequest(UserId: bob)))[0].RevokedAt);

        // What the database itself refuses an owner: someone else's keys, the hash, the last use, un-revoking.
        Assert.Equal(0, await Database.TryExecuteAsync(RlsClaims.ForUser(alice), $"UPDATE public.api_keys SET name = 'taken' WHERE id = '{bobs.Key.Id}'"));
        Assert.Null(await Database.TryExecuteAsync(RlsClaims.ForUser(alice), $"UPDATE public.api_keys SET last_used_at = now() WHERE id = '{alices.Key.Id}'"));
        Assert.Null(await Database.TryExecuteAsync(RlsClaims.ForUser(alice), $"UPDATE public.api_keys SET key_hash = key_hash WHERE id = '{alices.Key.Id}'"));
        Assert.Null(await Database.TryExecuteAsync(RlsClaims.ForUser(alice), $"UPDATE public.api_keys SET scopes = '{{admin}}' WHERE id = '{alices.Key.Id}'"));
        Assert.Null(await Database.TryExecuteAsync(RlsClaims.ForUser(alice), $"DELETE FROM public.api_keys WHERE id = '{alices.Key.Id}'"));
        await _keys.RevokeAsync(Caller.User(alice), alices.Key.Id);
        var again = await _keys.RevokeAsync(Caller.User(alice), alices.Key.Id);
        Assert.NotNull(again.RevokedAt);
        foreach (var caller in new[] { RlsClaims.ForUser(alice), RlsClaims.Service })
        {
            await Assert.ThrowsAsync<ConstraintViolationException>(
                () => Database.ExecuteAsync(caller, $"UPDATE public.api_keys SET revoked_at = NULL WHERE id = '{alices.Key.Id}'"));
        }

        Assert.Equal(ApiKeyRefusal.Revoked, (await _keys.VerifyAsync(alices.Secret)).Refusal);
    }

    [Fact]
    public async Task DeletingTheUser_RemovesTheirKeys()
    {
        var alice = await Database.CreateUserAsync();
        var issued = await _keys.CreateAsync(Caller.User(alice), new CreateApiKeyRequest("ci", ["sessions:read"]));

        await Database.ScalarAsync<int>($"DELETE FROM auth.users WHERE id = '{alice}'; SELECT 1");

        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.api_keys"));
        Assert.Equal(ApiKeyRefusal.Unknown, (await _keys.VerifyAsync(issued.Secret)).Refusal);
    }

    [Fact]
    public async Task BadInput_IsRefused_AndNothingIsWritten()
    {
        var alice = await Database.CreateUserAsync();
        CreateApiKeyRequest[] bad =
        [
            new("", ["sessions:read"]),
            new("   ", ["sessions:read"]),
            new("nul\0", ["sessions:read"]),
            new(new string('n', IdentityLimits.ApiKeyNameMaxLength + 1), ["sessions:read"]),
            new("no scopes", []),
            new("bad scope", ["Sessions:Read"]),
            new("bad scope", ["sessions read"]),
            new("bad scope", [""]),
            new("too long a scope", [new string('s', IdentityLimits.ScopeMaxLength + 1)]),
            new("too many", [.. Enumerable.Range(0, IdentityLimits.MaxScopesPerKey + 1).Select(i => $"s{i}")]),
            new("empty user", ["sessions:read"], UserId: Guid.Empty),
        ];
        foreach (var request in bad)
        {
            await Assert.ThrowsAsync<ValidationException>(() => _keys.CreateAsync(Caller.User(alice), request));
        }

        await Assert.ThrowsAsync<DomainException>(
            () => _keys.CreateAsync(Caller.User(alice), new CreateApiKeyRequest("past", ["sessions:read"], _clock.GetUtcNow().AddSeconds(-1))));

        // The database's checks hold for writers that skip the model.
        var hash = Convert.ToHexString(ApiKeySecret.Hash(ApiKeySecret.Generate()));
        foreach (var values in new[]
        {
            $"'dk_abcdefgh', '\\x{hash}', '{{}}'",
            $"'dk_abcdefgh', '\\x{hash}', '{{Admin}}'",
            $"'dk_abcdefgh', '\\x00', '{{sessions:read}}'",
            $"'xx_abcdefgh', '\\x{hash}', '{{sessions:read}}'",
        })
        {
            await Assert.ThrowsAsync<ConstraintViolationException>(() => Database.ExecuteAsync(
                RlsClaims.ForUser(alice), $"INSERT INTO public.api_keys (id, user_id, name, prefix, key_hash, scopes) VALUES (gen_random_uuid(), '{alice}', 'raw', {values})"));
        }

        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.api_keys"));
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.audit_logs WHERE table_name = 'api_keys'"));
    }

    private async Task<(DateTimeOffset LastUsedAt, string RowVersion)?> StoredLastUseAsync(Guid keyId)
    {
        var text = await Database.ScalarAsync<string>(
            "SELECT to_char(last_used_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') || ' ' || xmin::text FROM public.api_keys WHERE id = @id",
            ("id", keyId));
        if (text is null)
        {
            return null;
        }

        var parts = text.Split(' ');
        return (DateTimeOffset.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), parts[1]);
    }
}
