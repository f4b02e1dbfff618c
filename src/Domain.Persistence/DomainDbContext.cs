using System.Data.Common;
using System.Runtime.ExceptionServices;
using Domain.Persistence.EntityConfigurations;
using Domain.Persistence.Errors;
using Domain.Persistence.Replicas;
using Domain.Persistence.Rls;
using Domain.Auditing;
using Domain.Conversations;
using Domain.Identity;
using Domain.Files;
using Domain.Sessions;
using Domain.Persistence.Views;
using Domain.Prompts;
using Domain.Usage;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Domain.Persistence;

/// <summary>
/// The unit of work over the domain model. Every context acts for exactly one caller (<see cref="Claims"/>):
/// the claims interceptors send them to PostgreSQL with every statement, so RLS decides what the caller reaches.
/// Create contexts through <see cref="DomainDbContextFactory"/>; a context made without claims acts as anon.
/// </summary>
public sealed class DomainDbContext : DbContext
{
    /// <summary>A context acting as anon until <see cref="DomainDbContextFactory"/> hands it to a caller.</summary>
    public DomainDbContext(DbContextOptions<DomainDbContext> options)
        : base(options)
    {
        // SaveChanges always runs in a transaction so that the claims are set once when it starts: a statement
        // prepended to a SaveChanges batch would shift the provider's rows-affected checks.
        Database.AutoTransactionBehavior = AutoTransactionBehavior.Always;
    }

    /// <summary>The caller this context acts for; set once when the factory hands the context out.</summary>
    public RlsClaims Claims { get; private set; } = RlsClaims.Anonymous;

    /// <summary>
    /// True for a context from <see cref="DomainDbContextFactory.ReadOnlyForAsync"/>: every transaction it runs is
    /// read-only, so PostgreSQL refuses a write (<see cref="Errors.ReadOnlyViolationException"/>), whether the context
    /// reads from a standby or from the primary.
    /// </summary>
    public bool IsReadOnly { get; private set; }

    public DbSet<Session> Sessions => Set<Session>();

    public DbSet<SessionRevision> SessionRevisions => Set<SessionRevision>();

    public DbSet<SessionDraft> SessionDrafts => Set<SessionDraft>();

    public DbSet<HoleResolution> HoleResolutions => Set<HoleResolution>();

    public DbSet<Conversation> Conversations => Set<Conversation>();

    public DbSet<Message> Messages => Set<Message>();

    public DbSet<UsageRecord> UsageLogs => Set<UsageRecord>();

    public DbSet<SystemPrompt> SystemPrompts => Set<SystemPrompt>();

    public DbSet<PromptVersion> PromptVersions => Set<PromptVersion>();

    public DbSet<PromptPerformanceRecord> PromptPerformance => Set<PromptPerformanceRecord>();

    /// <summary><c>user_profiles</c>: one per auth user, created by the database.</summary>
    public DbSet<UserProfile> UserProfiles => Set<UserProfile>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    /// <summary><c>audit_logs</c>: read-only, written by the database's audit triggers.</summary>
    public DbSet<AuditEntry> AuditLogs => Set<AuditEntry>();

    /// <summary><c>files</c>: the file registry.</summary>
    public DbSet<StoredFile> Files => Set<StoredFile>();

    /// <summary><c>provider_file_uploads</c>: the copies of files at model providers.</summary>
    public DbSet<ProviderUpload> ProviderUploads => Set<ProviderUpload>();

    /// <summary><c>conversation_files</c>: files attached to conversations.</summary>
    public DbSet<ConversationFile> ConversationFiles => Set<ConversationFile>();

    /// <summary><c>domain_ops.file_deletion_jobs</c>: the deletion queue; only the service role may read it.</summary>
    public DbSet<FileDeletionJob> FileDeletionJobs => Set<FileDeletionJob>();

    /// <summary><c>session_summary</c>: read-only, under the caller's RLS like every table.</summary>
    public DbSet<SessionSummaryRow> SessionSummaries => Set<SessionSummaryRow>();

    /// <summary><c>user_analytics</c>: read-only, under the caller's RLS.</summary>
    public DbSet<UserAnalyticsRow> UserAnalytics => Set<UserAnalyticsRow>();

    /// <summary><c>recent_activity</c>: read-only, under the caller's RLS.</summary>
    public DbSet<RecentActivityRow> RecentActivity => Set<RecentActivityRow>();

    /// <summary><c>draft_validation_stats</c>: read-only, under the caller's RLS.</summary>
    public DbSet<DraftValidationStatsRow> DraftValidationStats => Set<DraftValidationStatsRow>();

    /// <summary><c>conversation_summary</c>: read-only, under the caller's RLS.</summary>
    public DbSet<ConversationSummaryRow> ConversationSummaries => Set<ConversationSummaryRow>();

    /// <summary><c>user_usage_summary</c>: read-only, under the caller's RLS.</summary>
    public DbSet<UserUsageSummaryRow> UserUsageSummaries => Set<UserUsageSummaryRow>();

    /// <summary><c>prompt_version_results</c>: each prompt version's runs, success rate and median latency; admins and the backend read it.</summary>
    public DbSet<PromptVersionResultRow> PromptVersionResults => Set<PromptVersionResultRow>();

    /// <summary>The transaction whose request context was set for this context's claims, if any.</summary>
    internal DbTransaction? ClaimsTransaction { get; set; }

    /// <summary>
    /// Where this context records the write positions of its caller's writes, for read-your-writes on a read replica;
    /// null when no replica is configured (or the context is read-only), and then nothing is recorded.
    /// </summary>
    internal CallerWritePositions? WritePositions { get; private set; }

    /// <summary>A command that may have written ran outside a transaction; its position is taken when the connection closes.</summary>
    internal bool WritePositionPending { get; set; }

    /// <summary>Makes a fresh (or freshly leased) context act for <paramref name="claims"/>, read-write, recording nothing.</summary>
    internal DomainDbContext ActFor(RlsClaims claims) => ActFor(claims, readOnly: false, writePositions: null);

    /// <summary>
    /// Makes a fresh (or freshly leased) context act for <paramref name="claims"/>: read-only or not, recording its
    /// writes' positions in <paramref name="writePositions"/> when given.
    /// </summary>
    internal DomainDbContext ActFor(RlsClaims claims, bool readOnly, CallerWritePositions? writePositions)
    {
        ArgumentNullException.ThrowIfNull(claims);
        Claims = claims;
        IsReadOnly = readOnly;
        WritePositions = readOnly ? null : writePositions;
        WritePositionPending = false;
        ClaimsTransaction = null;
        return this;
    }

    /// <summary>
    /// Forgets the caller before the context goes back to its caller's pool or is disposed, so an idle context never
    /// acts for anyone (fail closed: anon).
    /// </summary>
    public override void Dispose()
    {
        ActFor(RlsClaims.Anonymous);
        base.Dispose();
    }

    /// <inheritdoc cref="Dispose"/>
    public override ValueTask DisposeAsync()
    {
        ActFor(RlsClaims.Anonymous);
        return base.DisposeAsync();
    }

    /// <inheritdoc />
    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        TouchChangedAggregates();
        try
        {
            return base.SaveChanges(acceptAllChangesOnSuccess);
        }
        catch (DbUpdateException ex) when (ex.InnerException is RlsContextException refused)
        {
            ExceptionDispatchInfo.Throw(refused);
            throw;
        }
        catch (DbUpdateException ex) when (DatabaseErrorTranslator.Translate(ex) is { } translated)
        {
            throw translated;
        }
        catch (PostgresException ex) when (DatabaseErrorTranslator.Translate(ex) is { } translated)
        {
            // A constraint checked at commit (a deferred key, such as a prompt's active version) fails in the commit
            // SaveChanges makes, which EF does not wrap in DbUpdateException.
            throw translated;
        }
    }

    /// <inheritdoc />
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        TouchChangedAggregates();
        try
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is RlsContextException refused)
        {
            ExceptionDispatchInfo.Throw(refused);
            throw;
        }
        catch (DbUpdateException ex) when (DatabaseErrorTranslator.Translate(ex) is { } translated)
        {
            throw translated;
        }
        catch (PostgresException ex) when (DatabaseErrorTranslator.Translate(ex) is { } translated)
        {
            // A constraint checked at commit (a deferred key, such as a prompt's active version) fails in the commit
            // SaveChanges makes, which EF does not wrap in DbUpdateException.
            throw translated;
        }
    }

    /// <summary>
    /// A change to any entity of an aggregate is a change to the aggregate: its root's <c>updated_at</c> is written
    /// too, so the root's <c>xmin</c> is checked (a concurrent writer of the same aggregate conflicts) and read back
    /// (the triggers that keep the root's counters change the row in this transaction, and the next save of this
    /// context must not mistake that for someone else's write).
    /// </summary>
    private void TouchChangedAggregates()
    {
        ChangeTracker.DetectChanges();
        var changedChildren = ChangeTracker.Entries()
            .Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted && !AggregateRoots.IsRoot(e.Metadata))
            .ToList();
        if (changedChildren.Count == 0)
        {
            return;
        }

        var roots = ChangeTracker.Entries()
            .Where(e => e.State is EntityState.Unchanged && AggregateRoots.IsRoot(e.Metadata))
            .ToDictionary(e => (e.Metadata, e.Property(e.Metadata.FindPrimaryKey()!.Properties[0].Name).CurrentValue));
        foreach (var child in changedChildren)
        {
            foreach (var foreignKey in child.Metadata.GetForeignKeys().Where(fk => AggregateRoots.IsRoot(fk.PrincipalEntityType)))
            {
                var rootKey = foreignKey.PrincipalEntityType.FindPrimaryKey()!.Properties[0];
                var rootId = child.Property(foreignKey.Properties[foreignKey.PrincipalKey.Properties.ToList().IndexOf(rootKey)].Name).CurrentValue;
                if (roots.TryGetValue((foreignKey.PrincipalEntityType, rootId), out var root)
                    && AggregateRoots.TouchedProperty(root.Metadata) is { } touched)
                {
                    root.Property(touched.Name).IsModified = true;
                }
            }
        }
    }

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(DatabaseSchemas.Public);
        PostgresEnums.Declare(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(DomainDbContext).Assembly);
    }
}
