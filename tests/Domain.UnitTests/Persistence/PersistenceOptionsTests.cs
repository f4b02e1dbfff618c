using Domain.Persistence;
using Microsoft.Extensions.Configuration;

namespace Domain.UnitTests.Persistence;

/// <summary>The data layer's settings read from configuration: what each key means, and which values are refused at startup.</summary>
public sealed class PersistenceOptionsTests
{
    private const string Primary = "Host=db.example.test;Database=app;Username=app_user;Password=secret";
    private const string Replica = "Host=replica.example.test;Database=app;Username=app_user;Password=secret";
    private const string SupabaseTransactionPooler = "Host=aws-0-eu-central-1.pooler.supabase.com;Port=6543;Database=postgres;Username=postgres.abc;Password=secret";

    [Fact]
    public void FromConfiguration_ReadsBothConnectionStringsAndTheSection()
    {
        var options = DomainPersistenceOptions.FromConfiguration(Configuration(
            ("ConnectionStrings:Domain", Primary),
            ("ConnectionStrings:DomainReadReplica", Replica),
            ("Domain:Persistence:ConnectionMode", "transactionpooler"),
            ("Domain:Persistence:ReadYourWritesWait", "00:00:00.250")));

        Assert.Equal(Primary, options.ConnectionString);
        Assert.Equal(Replica, options.ReadReplicaConnectionString);
        Assert.Equal(DomainConnectionMode.TransactionPooler, options.ConnectionMode);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.ReadYourWritesWait);
    }

    [Fact]
    public void FromConfiguration_WithoutTheOptionalSettings_HasNoReplicaNoModeAndTheDefaultWait()
    {
        var options = DomainPersistenceOptions.FromConfiguration(Configuration(("ConnectionStrings:Domain", Primary), ("ConnectionStrings:DomainReadReplica", " ")));

        Assert.Null(options.ReadReplicaConnectionString);
        Assert.Null(options.ConnectionMode);
        Assert.Equal(TimeSpan.FromMilliseconds(100), options.ReadYourWritesWait);
    }

    [Theory]
    [InlineData("Domain:Persistence:ConnectionMode", "Session")]
    [InlineData("Domain:Persistence:ConnectionMode", "2")]
    [InlineData("Domain:Persistence:ReadYourWritesWait", "soon")]
    public void FromConfiguration_AValueItCannotRead_IsRefusedNamingTheKey(string key, string value)
    {
        var error = Assert.Throws<InvalidOperationException>(
            () => DomainPersistenceOptions.FromConfiguration(Configuration(("ConnectionStrings:Domain", Primary), (key, value))));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DirectModeForSupabasesTransactionPooler_IsRefusedNamingTheSettingAndTheConnectionString()
    {
        var options = new DomainPersistenceOptions { ConnectionString = SupabaseTransactionPooler, ConnectionMode = DomainConnectionMode.Direct };

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Contains("ConnectionStrings:Domain", error.Message, StringComparison.Ordinal);
        Assert.Contains("Domain:Persistence:ConnectionMode", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SupabasesTransactionPoolerWithoutTheSetting_IsAccepted()
    {
        new DomainPersistenceOptions { ConnectionString = SupabaseTransactionPooler }.Validate();
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(31_000)]
    public void Validate_AWaitOutOfRange_IsRefusedNamingIt(int milliseconds)
    {
        var options = new DomainPersistenceOptions { ConnectionString = Primary, ReadYourWritesWait = TimeSpan.FromMilliseconds(milliseconds) };

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Contains("ReadYourWritesWait", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_APlaceholderReplica_IsRefusedNamingItsConnectionString()
    {
        var options = new DomainPersistenceOptions { ConnectionString = Primary, ReadReplicaConnectionString = "Host=replica;Password=CHANGE_ME" };

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Contains("ConnectionStrings:DomainReadReplica", error.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values)
        => new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
