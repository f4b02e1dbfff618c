using Domain.Application;
using Domain.Application.Common;
using Domain.Application.Identity;
using Domain.Application.Usage;
using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence.Ledgers;
using Domain.Persistence.Rls;
using Domain.Persistence.Usage;
using Domain.Usage;
using FluentValidation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Domain.IntegrationTests.Identity;

/// <summary>
/// Monthly limits on the profile, checked against what the usage ledger holds for the current UTC calendar month,
/// before spending: within, or a <see cref="UsageLimitExceededException"/> saying which limit, the limit, what is used
/// and what was asked for.
/// </summary>
public sealed class UsageLimitTests : DatabaseTest
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private readonly ServiceProvider _services;
    private readonly UsageLimitCheck _limits;
    private readonly ProfileStore _profiles;

    public UsageLimitTests(MigratedDatabase database)
        : base(database)
    {
        _services = new ServiceCollection()
            .AddSingleton<TimeProvider>(new FakeTimeProvider(Now))
            .AddSingleton(database.Contexts)
            .AddSingleton<ILedgerWriter<UsageRecord>>(new UsageLogWriter(database.Contexts))
            .AddDomainApplication()
            .BuildServiceProvider();
        _limits = _services.GetRequiredService<UsageLimitCheck>();
        _profiles = _services.GetRequiredService<ProfileStore>();
    }

    public override async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task WithoutLimits_EverythingIsWithin_AndTheLedgerIsNotSummed()
    {
        var user = await Database.CreateUserAsync();
        await RecordAsync(user, Now.AddDays(-1), 1_000, 5m);

        var status = await _limits.EnsureWithinLimitsAsync(Caller.User(user), new CheckUsageLimitsRequest(user, 1_000_000_000, 100_000m));

        Assert.False(status.HasLimits);
        Assert.Equal((0L, 0m), (status.TokensUsed, status.CostUsdUsed));
        Assert.Equal((new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)),
            (status.PeriodStart, status.PeriodEnd));
    }

    [Fact]
    public async Task OnlyThisMonthsUsage_Counts_AndPassingALimit_IsATypedRefusal()
    {
        var user = await Database.CreateUserAsync();
        await _profiles.SetMonthlyLimitsAsync(Caller.Service, user, new SetMonthlyLimitsRequest(10_000, 1.00m));
        await RecordAsync(user, new DateTimeOffset(2026, 10, 31, 23, 59, 59, TimeSpan.Zero), 50_000, 50m);   // last month
        await RecordAsync(user, new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), 6_000, 0.40m);
        await RecordAsync(user, Now.AddHours(-1), 3_000, 0.35m);
        await RecordAsync(await Database.CreateUserAsync(), Now, 90_000, 90m);                               // someone else

        var status = await _limits.CheckAsync(Caller.User(user), new CheckUsageLimitsRequest(user));
        Assert.Equal((9_000L, 0.75m, 1_000L, 0.25m), (status.TokensUsed, status.CostUsdUsed, status.TokensLeft!.Value, status.CostUsdLeft!.Value));

        await _limits.EnsureWithinLimitsAsync(Caller.User(user), new CheckUsageLimitsRequest(user, 1_000, 0.25m));

        var tokens = await Assert.ThrowsAsync<UsageLimitExceededException>(
            () => _limits.EnsureWithinLimitsAsync(Caller.User(user), new CheckUsageLimitsRequest(user, 1_001, 0m)));
        Assert.Equal((UsageLimitKind.Tokens, 10_000m, 9_000m, 1_001m, status.PeriodEnd), (tokens.Kind, tokens.Limit, tokens.Used, tokens.Requested, tokens.PeriodEnd));
        Assert.Equal(user, tokens.UserId);

        var cost = await Assert.ThrowsAsync<UsageLimitExceededException>(
            () => _limits.EnsureWithinLimitsAsync(Caller.Service, new CheckUsageLimitsRequest(user, 10, 0.250001m)));
        Assert.Equal((UsageLimitKind.CostUsd, 1.00m, 0.75m, 0.250001m), (cost.Kind, cost.Limit, cost.Used, cost.Requested));
    }

    [Fact]
    public async Task ALimitReached_LeavesNothing_EvenWithoutAnEstimate()
    {
        var user = await Database.CreateUserAsync();
        await _profiles.SetMonthlyLimitsAsync(Caller.Service, user, new SetMonthlyLimitsRequest(100, null));
        await RecordAsync(user, Now, 100, 0m);

        var refused = await Assert.ThrowsAsync<UsageLimitExceededException>(
            () => _limits.EnsureWithinLimitsAsync(Caller.User(user), new CheckUsageLimitsRequest(user)));
        Assert.Equal(UsageLimitKind.Tokens, refused.Kind);
        Assert.Equal(0L, (await _limits.CheckAsync(Caller.User(user), new CheckUsageLimitsRequest(user))).TokensLeft);
    }

    [Fact]
    public async Task AUser_ChecksOnlyTheirOwnLimits_AdminsAndTheBackendAnyones()
    {
        var (alice, bob, admin) = (await Database.CreateUserAsync(), await Database.CreateUserAsync(), await Database.CreateUserAsync());
        await _profiles.SetMonthlyLimitsAsync(Caller.Service, alice, new SetMonthlyLimitsRequest(5, null));

        await Assert.ThrowsAsync<NotFoundException>(() => _limits.CheckAsync(Caller.User(bob), new CheckUsageLimitsRequest(alice)));
        await Assert.ThrowsAsync<NotFoundException>(() => _limits.CheckAsync(Caller.Anonymous, new CheckUsageLimitsRequest(alice)));
        Assert.Equal(5L, (await _limits.CheckAsync(Caller.Admin(admin), new CheckUsageLimitsRequest(alice))).TokenLimit);
        Assert.Equal(5L, (await _limits.CheckAsync(Caller.Service, new CheckUsageLimitsRequest(alice))).TokenLimit);
        await Assert.ThrowsAsync<ValidationException>(() => _limits.CheckAsync(Caller.Service, new CheckUsageLimitsRequest(alice, -1)));
        await Assert.ThrowsAsync<ValidationException>(() => _limits.CheckAsync(Caller.Service, new CheckUsageLimitsRequest(Guid.Empty)));
    }

    [Fact]
    public async Task TheRecordersCallers_CanAskBeforeSpending_WhatTheRecorderCommitted()
    {
        var user = await Database.CreateUserAsync();
        await _profiles.SetMonthlyLimitsAsync(Caller.Service, user, new SetMonthlyLimitsRequest(1_000, null));
        var recorder = _services.GetRequiredService<UsageRecorder>();
        await recorder.StartAsync(default);
        try
        {
            var request = new CheckUsageLimitsRequest(user, EstimatedTokens: 400);
            var spent = 0;
            while (true)
            {
                try
                {
                    await _limits.EnsureWithinLimitsAsync(Caller.User(user), request);
                }
                catch (UsageLimitExceededException)
                {
                    break;
                }

                await recorder.RecordAsync(UsageRecord.Create(user, "openai", "chat.completion", "m", 300, 100, 0.001m, Now));
                await recorder.FlushAsync();
                spent++;
            }

            Assert.Equal(2, spent);
        }
        finally
        {
            await recorder.StopAsync(default);
        }
    }

    private async Task RecordAsync(Guid user, DateTimeOffset at, int tokens, decimal cost)
    {
        await using var db = Database.ContextFor(RlsClaims.Service);
        db.UsageLogs.Add(UsageRecord.Create(user, "openai", "chat.completion", "m", tokens / 2, tokens - (tokens / 2), cost, at));
        await db.SaveChangesAsync();
    }
}
