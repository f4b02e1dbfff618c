namespace Domain.DevDatabase;

/// <summary>
/// A server given by a connection string (an environment variable, a command-line option), used as it is and never
/// stopped. Offers nothing when the string is blank.
/// </summary>
public sealed class ConnectionStringSource(string? connectionString, string description) : IDatabaseServerSource
{
    /// <summary>The first of <paramref name="variables"/> that is set and not blank; the server is described by its name.</summary>
    public static ConnectionStringSource FromEnvironment(params string[] variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        foreach (var variable in variables)
        {
            var value = Environment.GetEnvironmentVariable(variable);
            if (!string.IsNullOrWhiteSpace(value))
            {
                return new ConnectionStringSource(value, variable);
            }
        }

        return new ConnectionStringSource(null, string.Join(" or ", variables));
    }

    /// <inheritdoc />
    public Task<DatabaseServer?> TryOpenAsync(CancellationToken cancellationToken)
        => Task.FromResult(string.IsNullOrWhiteSpace(connectionString) ? null : new DatabaseServer(connectionString, description));
}
