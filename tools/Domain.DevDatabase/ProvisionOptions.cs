namespace Domain.DevDatabase;

/// <summary>Whether provisioning creates (or refreshes) the application's login role, <see cref="AppLoginRole"/>.</summary>
public enum LoginRoleSetup
{
    /// <summary>Always: the admin connection must be allowed to create roles.</summary>
    Ensure,

    /// <summary>Only when the owner connection is a superuser (a configured server may be a managed one where it is not).</summary>
    EnsureIfSuperuser,

    /// <summary>Never: the database is used as the owner only.</summary>
    Skip,
}

/// <summary>What <see cref="DatabaseProvisioner"/> does once it has a server. The defaults migrate and create the login role.</summary>
public sealed record ProvisionOptions
{
    /// <summary>
    /// The database to provision, created when missing (a plain lower-case identifier). Null: the server's
    /// <see cref="DatabaseServer.DefaultDatabase"/>, else the database its admin connection names, used as it is.
    /// </summary>
    public string? Database { get; init; }

    /// <summary>Drop <see cref="Database"/> first, so that it starts empty (the benchmarks load their own data).</summary>
    public bool RecreateDatabase { get; init; }

    /// <summary>Apply the pending migrations with the shipped migrator.</summary>
    public bool ApplyMigrations { get; init; } = true;

    public LoginRoleSetup LoginRole { get; init; } = LoginRoleSetup.Ensure;

    /// <summary>Seed the demo users and their sessions when <c>public.sessions</c> is empty (<see cref="DemoDataSeeder"/>).</summary>
    public bool SeedDemoData { get; init; }

    /// <summary>Hears each step as it completes; null when nobody reports progress.</summary>
    public IProvisioningObserver? Observer { get; init; }
}
