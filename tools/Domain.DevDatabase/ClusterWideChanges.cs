namespace Domain.DevDatabase;

/// <summary>
/// One migration run at a time in this process, whatever database it targets. Roles and their memberships belong to
/// the whole cluster, and the migrations create and grant them (<c>GRANT domain_admin TO authenticator</c>); the run
/// lock is an advisory lock, which PostgreSQL scopes to one database, so two databases of one cluster migrated at once
/// can collide on the catalog (23505 on <c>pg_auth_members</c>). <see cref="SchemaMigrator"/> takes it for every run, and
/// provisioning for the login role; a test that runs migrators of its own takes it around them. Other processes are not
/// covered: migrate one database at a time per cluster.
/// </summary>
public static class ClusterWideChanges
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>Waits for the other runs of this process to finish; dispose the result to let the next one in.</summary>
    public static async Task<IDisposable> EnterAsync(CancellationToken cancellationToken = default)
    {
        await Gate.WaitAsync(cancellationToken);
        return new Exit();
    }

    private sealed class Exit : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                Gate.Release();
            }
        }
    }
}
