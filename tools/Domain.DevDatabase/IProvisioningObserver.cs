namespace Domain.DevDatabase;

/// <summary>
/// Hears the steps of <see cref="DatabaseProvisioner"/> as they complete, so that a caller can report them in order
/// (<c>domain up</c> prints each). Every method does nothing unless implemented.
/// </summary>
public interface IProvisioningObserver
{
    /// <summary>
    /// The server answers and the database exists. <see cref="ProvisionedDatabase.Migrations"/>,
    /// <see cref="ProvisionedDatabase.AppConnectionString"/> and <see cref="ProvisionedDatabase.DemoData"/> are filled
    /// as the later steps complete.
    /// </summary>
    void DatabaseReady(ProvisionedDatabase database)
    {
    }

    /// <summary>A message of the migrator: a migration starts being applied, or none was.</summary>
    void MigrationProgress(string message)
    {
    }

    void MigrationsApplied(MigrationRun run)
    {
    }

    void LoginRoleReady(string appConnectionString)
    {
    }

    /// <summary>The login role was not created: <see cref="LoginRoleSetup.EnsureIfSuperuser"/> and the owner is not a superuser.</summary>
    void LoginRoleSkipped()
    {
    }

    void DemoDataSeeded(SeedResult result)
    {
    }
}
