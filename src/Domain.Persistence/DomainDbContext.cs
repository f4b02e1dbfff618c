using System.Runtime.ExceptionServices;
using Domain.Persistence.Errors;
using Domain.Persistence.Rls;
using Domain.Sessions;
using Microsoft.EntityFrameworkCore;

namespace Domain.Persistence;

/// <summary>
/// The unit of work over the domain model. Every context acts for exactly one caller (<see cref="Claims"/>):
/// the claims interceptors send them to PostgreSQL with every statement, so RLS decides what the caller reaches.
/// Create contexts through <see cref="DomainDbContextFactory"/>; a context made without claims acts as anon.
/// </summary>
public sealed class DomainDbContext : DbContext
{
    public DomainDbContext(DbContextOptions<DomainDbContext> options, RlsClaims? claims = null)
        : base(options)
    {
        Claims = claims ?? RlsClaims.Anonymous;

        // SaveChanges always runs in a transaction so that the claims are set once when it starts: a statement
        // prepended to a SaveChanges batch would shift the provider's rows-affected checks.
        Database.AutoTransactionBehavior = AutoTransactionBehavior.Always;
    }

    /// <summary>The caller this context acts for; fixed for the context's lifetime.</summary>
    public RlsClaims Claims { get; }

    public DbSet<Session> Sessions => Set<Session>();

    public DbSet<SessionRevision> SessionRevisions => Set<SessionRevision>();

    public DbSet<SessionDraft> SessionDrafts => Set<SessionDraft>();

    public DbSet<HoleResolution> HoleResolutions => Set<HoleResolution>();

    /// <summary>The transaction whose request context was set for this context's claims, if any.</summary>
    internal object? ClaimsTransaction { get; set; }

    /// <inheritdoc />
    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
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
    }

    /// <inheritdoc />
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
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
    }

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(DatabaseSchemas.Public);
        modelBuilder.HasPostgresEnum<SessionStatus>(DatabaseSchemas.Public, "session_status");
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(DomainDbContext).Assembly);
    }
}
