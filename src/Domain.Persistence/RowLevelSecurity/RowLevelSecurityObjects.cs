using Domain.Persistence.Rls;

namespace Domain.Persistence.RowLevelSecurity;

/// <summary>One policy a declaration creates. Names are per table, so they survive a rename of the table.</summary>
/// <param name="Name">The policy's name.</param>
/// <param name="Command">SELECT, INSERT, UPDATE or DELETE: one command per policy.</param>
/// <param name="Role">The one role the policy is for.</param>
/// <param name="Using">Which existing rows the role reaches, or null (INSERT).</param>
/// <param name="WithCheck">Which new rows the role may write, or null (SELECT, DELETE).</param>
internal sealed record RowLevelSecurityPolicy(string Name, string Command, string Role, string? Using, string? WithCheck);

/// <summary>One privilege a declaration grants to a role, on the whole table or on some columns only.</summary>
internal sealed record RowLevelSecurityPrivilege(string Command, IReadOnlyList<string>? Columns);

/// <summary>
/// The policies and privileges a <see cref="RowLevelSecurityDeclaration"/> (in column names) stands for: what
/// migrations create, change and drop. Every policy is permissive, for exactly one role and one command, so each role
/// has at most one policy per command and the planner sees one predicate; owner checks are written
/// <c>(select auth.uid()) = owner</c> so the caller's id is computed once per statement and the owner index is used.
/// </summary>
internal sealed class RowLevelSecurityObjects
{
    /// <summary>Every role whose privileges a declaration decides; <c>PUBLIC</c> never keeps any.</summary>
    public static readonly IReadOnlyList<string> ManagedRoles =
        ["PUBLIC", RlsClaims.AnonRole, RlsClaims.AuthenticatedRole, RlsClaims.AdminRole, RlsClaims.ServiceRole];

    private const string Everyone = "true";

    private RowLevelSecurityObjects(IReadOnlyList<RowLevelSecurityPolicy> policies, IReadOnlyDictionary<string, IReadOnlyList<RowLevelSecurityPrivilege>> grants)
    {
        Policies = policies;
        Grants = grants;
    }

    /// <summary>The policies, in a fixed order: owners' (or readers') first, then admins'.</summary>
    public IReadOnlyList<RowLevelSecurityPolicy> Policies { get; }

    /// <summary>The privileges of each role of <see cref="ManagedRoles"/> that has any.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<RowLevelSecurityPrivilege>> Grants { get; }

    /// <summary>What <paramref name="declaration"/> stands for; <paramref name="delimit"/> quotes a column name where SQL needs it.</summary>
    public static RowLevelSecurityObjects For(RowLevelSecurityDeclaration declaration, Func<string, string> delimit)
    {
        ArgumentNullException.ThrowIfNull(declaration);
        var isOwner = declaration.Owner is { } owner ? $"(select auth.uid()) = {delimit(owner)}" : null;
        var commands = declaration.Commands;
        var policies = new List<RowLevelSecurityPolicy>();
        var grants = new Dictionary<string, IReadOnlyList<RowLevelSecurityPrivilege>>(StringComparer.Ordinal)
        {
            [RlsClaims.ServiceRole] = declaration.Shape switch
            {
                RowLevelSecurityShape.Ledger when declaration.AppendedByTriggersOnly => [new("SELECT", null)],
                RowLevelSecurityShape.Ledger => [new("SELECT", null), new("INSERT", null)],
                _ => [new("SELECT", null), new("INSERT", null), new("UPDATE", null), new("DELETE", null)],
            },

            // anon may look and finds nothing (no policy is for anon), as on Supabase; it may never write.
            [RlsClaims.AnonRole] = [new("SELECT", null)],
        };

        switch (declaration.Shape)
        {
            case RowLevelSecurityShape.OwnedRows:
                policies.AddRange(Writers("owner", RlsClaims.AuthenticatedRole, commands, isOwner!));
                policies.AddRange(Writers("admin", RlsClaims.AdminRole, commands, isOwner!)
                    .Select(p => p.Command == "SELECT" ? p with { Using = Everyone } : p));
                grants[RlsClaims.AuthenticatedRole] = Privileges(declaration, commands, delimit);
                grants[RlsClaims.AdminRole] = Privileges(declaration, commands, delimit);
                break;

            case RowLevelSecurityShape.Ledger:
                policies.Add(new("owner_select", "SELECT", RlsClaims.AuthenticatedRole, isOwner, null));
                policies.Add(new("admin_select", "SELECT", RlsClaims.AdminRole, Everyone, null));
                grants[RlsClaims.AuthenticatedRole] = [new("SELECT", null)];
                grants[RlsClaims.AdminRole] = [new("SELECT", null)];
                break;

            case RowLevelSecurityShape.SharedReferenceData:
                policies.Add(new("reader_select", "SELECT", RlsClaims.AuthenticatedRole, Everyone, null));
                policies.AddRange(Writers("admin", RlsClaims.AdminRole, commands, Everyone));
                grants[RlsClaims.AuthenticatedRole] = [new("SELECT", null)];
                grants[RlsClaims.AdminRole] = Privileges(declaration, commands, delimit);
                break;
        }

        return new RowLevelSecurityObjects(policies, grants);
    }

    /// <summary>One policy per command in <paramref name="commands"/> for <paramref name="role"/>, all bound by <paramref name="rows"/>.</summary>
    private static IEnumerable<RowLevelSecurityPolicy> Writers(string prefix, string role, RowCommands commands, string rows)
    {
        if (commands.HasFlag(RowCommands.Select))
        {
            yield return new($"{prefix}_select", "SELECT", role, rows, null);
        }

        if (commands.HasFlag(RowCommands.Insert))
        {
            yield return new($"{prefix}_insert", "INSERT", role, null, rows);
        }

        if (commands.HasFlag(RowCommands.Update))
        {
            yield return new($"{prefix}_update", "UPDATE", role, rows, rows);
        }

        if (commands.HasFlag(RowCommands.Delete))
        {
            yield return new($"{prefix}_delete", "DELETE", role, rows, null);
        }
    }

    private static List<RowLevelSecurityPrivilege> Privileges(RowLevelSecurityDeclaration declaration, RowCommands commands, Func<string, string> delimit)
    {
        var privileges = new List<RowLevelSecurityPrivilege>();
        if (commands.HasFlag(RowCommands.Select))
        {
            privileges.Add(new("SELECT", null));
        }

        if (commands.HasFlag(RowCommands.Insert))
        {
            privileges.Add(new("INSERT", declaration.InsertColumns?.Select(delimit).ToList()));
        }

        if (commands.HasFlag(RowCommands.Update))
        {
            privileges.Add(new("UPDATE", declaration.UpdateColumns?.Select(delimit).ToList()));
        }

        if (commands.HasFlag(RowCommands.Delete))
        {
            privileges.Add(new("DELETE", null));
        }

        return privileges;
    }
}
