using Domain.AspNetCore;
using Domain.DevDatabase;
using Domain.Persistence;

namespace Domain.Api;

/// <summary>
/// Which database the API uses, in this order: <c>--connection</c>, <c>ConnectionStrings__Domain</c> (or
/// <c>ConnectionStrings:Domain</c> in any configuration source), <c>DATABASE_URL</c>; with none of them, the local
/// database of <c>domain up</c> (<see cref="LocalDevDatabase"/>: started or attached to, migrated, the login role ready),
/// logged in as the application's login role. The choice ends up in <c>ConnectionStrings:Domain</c>.
/// </summary>
internal static class ApiDatabase
{
    private const string ConnectionKey = $"ConnectionStrings:{DomainWebOptions.ConnectionStringName}";

    /// <summary>Puts the database to use in the configuration; returns where it came from, for the log.</summary>
    public static async Task<string> ConfigureAsync(IConfigurationManager configuration, CancellationToken cancellationToken = default)
    {
        if (!string.IsNullOrWhiteSpace(configuration["connection"]))
        {
            configuration[ConnectionKey] = ConnectionStringResolver.Normalize(configuration["connection"]!);
            return "--connection";
        }

        if (!string.IsNullOrWhiteSpace(configuration[ConnectionKey]))
        {
            configuration[ConnectionKey] = ConnectionStringResolver.Normalize(configuration[ConnectionKey]!);
            return ConnectionKey;
        }

        if (!string.IsNullOrWhiteSpace(configuration[ConnectionStringResolver.DatabaseUrlVariable]))
        {
            configuration[ConnectionKey] = ConnectionStringResolver.Normalize(configuration[ConnectionStringResolver.DatabaseUrlVariable]!);
            return ConnectionStringResolver.DatabaseUrlVariable;
        }

        await using var database = await DatabaseProvisioner.ProvisionAsync(
            [LocalDevDatabase.Source()], new ProvisionOptions { LoginRole = LoginRoleSetup.EnsureIfSuperuser }, cancellationToken);
        configuration[ConnectionKey] = database.AppConnectionString ?? database.OwnerConnectionString;
        return $"the local database of `domain up` ({database.Server.Description}, database {LocalDevDatabase.DatabaseName})";
    }
}
