using Domain.Persistence;
using Npgsql;

namespace Domain.UnitTests.Persistence;

public sealed class TunedConnectionStringTests
{
    private const string Direct = "Host=db.example.test;Port=5432;Database=app;Username=app_user;Password=secret";

    private static readonly NpgsqlConnectionStringBuilder Defaults = new();

    [Fact]
    public void Tuned_WithoutTheSettings_KeepsNpgsqlsResetAndPreparesStatementsUsedTwice()
    {
        var tuned = Tuned(Direct);

        Assert.False(tuned.NoResetOnClose);
        Assert.Equal(50, tuned.MaxAutoPrepare);
        Assert.Equal(2, tuned.AutoPrepareMinUsages);
        Assert.Equal(("db.example.test", 5432, "app", "app_user", "secret"), (tuned.Host, tuned.Port, tuned.Database, tuned.Username, tuned.Password));
    }

    [Theory]
    [InlineData("No Reset On Close=true")]
    [InlineData("NoResetOnClose=true")]
    [InlineData("no reset on close=True")]
    public void Tuned_WithTheResetTurnedOffExplicitly_KeepsItOff(string setting)
    {
        var tuned = Tuned($"{Direct};{setting}");

        Assert.True(tuned.NoResetOnClose);
        Assert.Equal(50, tuned.MaxAutoPrepare);
    }

    [Theory]
    [InlineData("Max Auto Prepare=0")]
    [InlineData("MaxAutoPrepare=0")]
    public void Tuned_WithAutoPrepareTurnedOff_KeepsItOff(string setting)
    {
        var tuned = Tuned($"{Direct};{setting}");

        Assert.Equal(0, tuned.MaxAutoPrepare);
        Assert.Equal(Defaults.AutoPrepareMinUsages, tuned.AutoPrepareMinUsages);
        Assert.False(tuned.NoResetOnClose);
    }

    [Fact]
    public void Tuned_WithItsOwnAutoPrepareSettings_KeepsThem()
    {
        Assert.Equal((10, 3), AutoPrepare(Tuned($"{Direct};Max Auto Prepare=10;Auto Prepare Min Usages=3")));
        Assert.Equal((50, 7), AutoPrepare(Tuned($"{Direct};Auto Prepare Min Usages=7")));
    }

    [Theory]
    [InlineData("Host=aws-0-eu-central-1.pooler.supabase.com;Port=6543")]
    [InlineData("Host=AWS-1-US-EAST-1.POOLER.SUPABASE.COM;Port=6543")]
    [InlineData("Host=aws-0-eu-central-1.pooler.supabase.com:6543")]
    public void Tuned_ForSupabasesTransactionPoolerWithoutTheSetting_TurnsAutoPrepareAndTheResetOff(string server)
    {
        var tuned = Tuned($"{server};Database=postgres;Username=postgres.abcdefghij;Password=secret");

        Assert.Equal((0, Defaults.AutoPrepareMinUsages), AutoPrepare(tuned));
        Assert.True(tuned.NoResetOnClose);
    }

    [Fact]
    public void Tuned_AsTransactionPooler_TurnsAutoPrepareAndTheResetOffForAnyHost()
    {
        var tuned = new NpgsqlConnectionStringBuilder(DomainDbContextOptions.Tuned(Direct, DomainConnectionMode.TransactionPooler));

        Assert.Equal((0, Defaults.AutoPrepareMinUsages), AutoPrepare(tuned));
        Assert.True(tuned.NoResetOnClose);
        Assert.Equal(("db.example.test", 5432), (tuned.Host, tuned.Port));
    }

    [Fact]
    public void Tuned_AsTransactionPoolerWithItsOwnSettings_KeepsThem()
    {
        var tuned = new NpgsqlConnectionStringBuilder(
            DomainDbContextOptions.Tuned($"{Direct};Max Auto Prepare=20;No Reset On Close=false", DomainConnectionMode.TransactionPooler));

        Assert.Equal(20, tuned.MaxAutoPrepare);
        Assert.False(tuned.NoResetOnClose);
    }

    [Fact]
    public void Tuned_AsDirect_IsWhatAnUnsetModeGivesAnOrdinaryHost()
    {
        Assert.Equal(DomainDbContextOptions.Tuned(Direct), DomainDbContextOptions.Tuned(Direct, DomainConnectionMode.Direct));
    }

    [Fact]
    public void Tuned_AsDirectForSupabasesTransactionPooler_IsRefusedNamingTheSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => DomainDbContextOptions.Tuned(
            "Host=aws-0-eu-central-1.pooler.supabase.com;Port=6543;Username=postgres.abc;Password=secret", DomainConnectionMode.Direct));

        Assert.Contains("Domain:Persistence:ConnectionMode", error.Message, StringComparison.Ordinal);
        Assert.Contains("TransactionPooler", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tuned_AsTransactionPoolerAppliedTwice_ChangesNothingMore()
    {
        var once = DomainDbContextOptions.Tuned(Direct, DomainConnectionMode.TransactionPooler);

        Assert.Equal(once, DomainDbContextOptions.Tuned(once, DomainConnectionMode.TransactionPooler));
    }

    [Theory]
    [InlineData("Host=aws-0-eu-central-1.pooler.supabase.com;Port=5432")]
    [InlineData("Host=aws-0-eu-central-1.pooler.supabase.com")]
    [InlineData("Host=db.abcdefghij.supabase.co;Port=5432")]
    [InlineData("Host=db.example.test;Port=6543")]
    public void Tuned_ForSessionModeOrDirectServers_TurnsAutoPrepareOn(string server)
    {
        Assert.Equal((50, 2), AutoPrepare(Tuned($"{server};Database=postgres;Username=postgres;Password=secret")));
    }

    [Fact]
    public void Tuned_AppliedTwice_ChangesNothingMore()
    {
        var once = DomainDbContextOptions.Tuned(Direct);

        Assert.Equal(once, DomainDbContextOptions.Tuned(once));
    }

    [Theory]
    [InlineData("Password='No Reset On Close=false;MaxAutoPrepare=0'")]
    [InlineData("Application Name=MaxAutoPrepare NoResetOnClose")]
    public void Tuned_WhenASettingsNameAppearsOnlyInsideAValue_StillAppliesTheDefaults(string setting)
    {
        var tuned = Tuned($"Host=db.example.test;Database=app;Username=app_user;{setting}");

        Assert.False(tuned.NoResetOnClose);
        Assert.Equal(50, tuned.MaxAutoPrepare);
    }

    private static NpgsqlConnectionStringBuilder Tuned(string connectionString) => new(DomainDbContextOptions.Tuned(connectionString));

    private static (int MaxAutoPrepare, int MinUsages) AutoPrepare(NpgsqlConnectionStringBuilder builder)
        => (builder.MaxAutoPrepare, builder.AutoPrepareMinUsages);
}
