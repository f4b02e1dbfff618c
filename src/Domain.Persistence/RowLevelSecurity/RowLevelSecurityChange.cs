namespace Domain.Persistence.RowLevelSecurity;

/// <summary>
/// The SQL that takes one table from one declaration to another (either may be none): <see cref="Teardown"/> drops
/// what the old declaration made and the new one does not keep, <see cref="Build"/> makes what the new one adds. Only
/// differences are touched: a policy both declarations make alike stays, and a role whose privileges are the same
/// keeps them.
/// </summary>
internal sealed class RowLevelSecurityChange
{
    private RowLevelSecurityChange(IReadOnlyList<string> teardown, IReadOnlyList<string> build)
    {
        Teardown = teardown;
        Build = build;
    }

    /// <summary>Statements on the table as it is before the migration (its old name, if it is renamed).</summary>
    public IReadOnlyList<string> Teardown { get; }

    /// <summary>Statements on the table as it is after the migration.</summary>
    public IReadOnlyList<string> Build { get; }

    /// <summary>
    /// The change from <paramref name="before"/> on <paramref name="oldTable"/> to <paramref name="after"/> on
    /// <paramref name="newTable"/>; table names are qualified and quoted as SQL needs them.
    /// </summary>
    public static RowLevelSecurityChange Between(string oldTable, RowLevelSecurityObjects? before, string newTable, RowLevelSecurityObjects? after)
    {
        var teardown = new List<string>();
        var build = new List<string>();
        if (before is null && after is null)
        {
            return new RowLevelSecurityChange(teardown, build);
        }

        if (before is null)
        {
            build.Add($"ALTER TABLE {newTable} ENABLE ROW LEVEL SECURITY");
            build.Add(Revoke(newTable, RowLevelSecurityObjects.ManagedRoles));
            build.AddRange(RowLevelSecurityObjects.ManagedRoles.Select(role => Grant(newTable, role, after!)).OfType<string>());
            build.AddRange(after!.Policies.Select(policy => Create(newTable, policy)));
            return new RowLevelSecurityChange(teardown, build);
        }

        if (after is null)
        {
            teardown.AddRange(before.Policies.Select(policy => Drop(oldTable, policy)));
            teardown.Add(Revoke(oldTable, RowLevelSecurityObjects.ManagedRoles));
            teardown.Add($"ALTER TABLE {oldTable} DISABLE ROW LEVEL SECURITY");
            return new RowLevelSecurityChange(teardown, build);
        }

        teardown.AddRange(before.Policies.Except(after.Policies).Select(policy => Drop(oldTable, policy)));
        foreach (var role in RowLevelSecurityObjects.ManagedRoles)
        {
            var granted = Grant(newTable, role, after);
            if (Grant(newTable, role, before) != granted)
            {
                build.Add(Revoke(newTable, [role]));
                if (granted is not null)
                {
                    build.Add(granted);
                }
            }
        }

        build.AddRange(after.Policies.Except(before.Policies).Select(policy => Create(newTable, policy)));
        return new RowLevelSecurityChange(teardown, build);
    }

    private static string Create(string table, RowLevelSecurityPolicy policy)
        => $"CREATE POLICY {policy.Name} ON {table} AS PERMISSIVE FOR {policy.Command} TO {policy.Role}"
            + (policy.Using is null ? string.Empty : $" USING ({policy.Using})")
            + (policy.WithCheck is null ? string.Empty : $" WITH CHECK ({policy.WithCheck})");

    private static string Drop(string table, RowLevelSecurityPolicy policy) => $"DROP POLICY {policy.Name} ON {table}";

    /// <summary>Revoking on the table revokes the roles' column privileges too.</summary>
    private static string Revoke(string table, IEnumerable<string> roles) => $"REVOKE ALL ON TABLE {table} FROM {string.Join(", ", roles)}";

    private static string? Grant(string table, string role, RowLevelSecurityObjects objects)
        => objects.Grants.TryGetValue(role, out var privileges) && privileges.Count > 0
            ? $"GRANT {string.Join(", ", privileges.Select(p => p.Columns is null ? p.Command : $"{p.Command} ({string.Join(", ", p.Columns)})"))} "
                + $"ON TABLE {table} TO {role}"
            : null;
}
