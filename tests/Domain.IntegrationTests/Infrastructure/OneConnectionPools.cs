using Domain.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Domain.IntegrationTests.Infrastructure;

/// <summary>Contexts over a pool of ONE physical connection, so consecutive contexts share whatever one leaves behind.</summary>
public static class OneConnectionPools
{
    /// <summary>
    /// A factory over a pool of its own (<paramref name="poolName"/>, the application name, keys Npgsql's pools) with one
    /// physical connection of the app role. <paramref name="noResetOnClose"/> null leaves Npgsql's reset to the layer's
    /// default, as an application's connection string that does not mention it would. Drop the pool with
    /// <see cref="ClearPool"/> when the test ends, so no other test inherits what it left on the connection.
    /// </summary>
    public static DomainDbContextFactory OneConnectionContexts(this MigratedDatabase database, string poolName, bool? noResetOnClose = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(database.AppConnectionString) { MaxPoolSize = 1, ApplicationName = poolName };
        builder.Remove("No Reset On Close");
        if (noResetOnClose is { } explicitly)
        {
            builder.NoResetOnClose = explicitly;
        }

        return new(DomainDbContextOptions.Create(builder.ConnectionString));
    }

    /// <summary>Closes the physical connections of <paramref name="contexts"/>' pool.</summary>
    public static void ClearPool(this DomainDbContextFactory contexts)
    {
        using var db = contexts.AsAnon();
        NpgsqlConnection.ClearPool((NpgsqlConnection)db.Database.GetDbConnection());
    }
}
