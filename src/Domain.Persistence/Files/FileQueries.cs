using Domain.Conversations;
using Domain.Files;
using Microsoft.EntityFrameworkCore;

namespace Domain.Persistence.Files;

/// <summary>A file attached to a conversation, with when it was attached.</summary>
public sealed record AttachedFile(Guid ConversationId, DateTimeOffset AttachedAt, StoredFile File);

/// <summary>
/// What the registry holds that nothing uses or that lost its file (seed 004's <c>identify_orphaned_files</c>), as far
/// as the caller may see: a user their own, the service role everyone's.
/// </summary>
/// <param name="Unreferenced">Files in use (uploaded or ready) that no conversation references and that nobody created or
/// opened within the grace period.</param>
/// <param name="StuckUploaded">Files still uploaded, never made ready, created before the grace period.</param>
/// <param name="UploadsWithoutFile">Copies at providers still active although their file is being deleted or deleted:
/// copies no deletion job covers (recorded by a writer that got past the guards, or a database restored from before).</param>
public sealed record FileOrphans(
    IReadOnlyList<StoredFile> Unreferenced, IReadOnlyList<StoredFile> StuckUploaded, IReadOnlyList<ProviderUpload> UploadsWithoutFile);

/// <summary>
/// The reads of the StoredFile aggregate. RLS applies as to any query: without a user id they read whatever the caller
/// may see.
/// </summary>
public static class FileQueries
{
    /// <summary>Files newest first; EF caches one SQL text per combination of null parameters.</summary>
    private static readonly CompiledPerModel<
        Func<DomainDbContext, Guid?, FileStatus?, FileType?, bool, DateTimeOffset?, Guid?, int, IAsyncEnumerable<StoredFile>>> Page = new(() =>
        EF.CompileAsyncQuery((DomainDbContext db, Guid? userId, FileStatus? status, FileType? type, bool includeDeleted, DateTimeOffset? createdAt, Guid? id, int size) =>
            db.Files.AsNoTracking()
                .Where(f => userId == null || f.UserId == userId)
                .Where(f => status == null ? includeDeleted || f.Status != FileStatus.Deleted : f.Status == status)
                .Where(f => type == null || f.FileType == type)
                .Where(f => createdAt == null
                    || EF.Functions.LessThan(ValueTuple.Create(f.CreatedAt, f.Id), ValueTuple.Create(createdAt.Value, id!.Value)))
                .OrderByDescending(f => f.CreatedAt).ThenByDescending(f => f.Id)
                .Take(size)));

    private static readonly CompiledPerModel<Func<DomainDbContext, Guid, Task<StoredFile?>>> ById = new(() =>
        EF.CompileAsyncQuery((DomainDbContext db, Guid id) => db.Files.AsNoTracking().SingleOrDefault(f => f.Id == id)));

    /// <summary>The file in use with this content: the original before copies, the oldest first.</summary>
    private static readonly CompiledPerModel<Func<DomainDbContext, Guid, string, Task<StoredFile?>>> ByContent = new(() =>
        EF.CompileAsyncQuery((DomainDbContext db, Guid userId, string sha256) =>
            db.Files.AsNoTracking()
                .Where(f => f.UserId == userId && f.Sha256 == sha256 && (f.Status == FileStatus.Uploaded || f.Status == FileStatus.Ready))
                .OrderBy(f => f.IsCopy).ThenBy(f => f.CreatedAt).ThenBy(f => f.Id)
                .FirstOrDefault()));

    /// <summary>The file, untracked; null when it does not exist or the caller may not see it.</summary>
    public static Task<StoredFile?> FindFileAsync(this DomainDbContext db, Guid id) => ById.For(db)(db, id);

    /// <summary>
    /// <paramref name="userId"/>'s file in use (uploaded or ready) with content <paramref name="sha256"/> (lower-case
    /// hexadecimal): the one that is not a copy if there is one, else the oldest copy; null when there is none.
    /// </summary>
    public static Task<StoredFile?> FindFileByContentAsync(this DomainDbContext db, Guid userId, string sha256)
        => ByContent.For(db)(db, userId, sha256);

    /// <summary>The file whose copy at <paramref name="provider"/> has the provider's id <paramref name="providerFileId"/>.</summary>
    public static Task<StoredFile?> FindFileByProviderFileIdAsync(
        this DomainDbContext db, string provider, string providerFileId, CancellationToken cancellationToken = default)
        => db.Files.AsNoTracking()
            .Where(f => db.ProviderUploads.Any(u => u.FileId == f.Id && u.Provider == provider && u.ProviderFileId == providerFileId))
            .SingleOrDefaultAsync(cancellationToken);

    /// <summary>
    /// One page of files newest first: <paramref name="userId"/>'s, or every one the caller may see when it is null; in
    /// <paramref name="status"/> (every status but deleted, unless <paramref name="includeDeleted"/>) and of
    /// <paramref name="type"/> when given; <paramref name="after"/> is the (creation time, id) of the previous page's last.
    /// </summary>
    public static async Task<List<StoredFile>> FilePageAsync(
        this DomainDbContext db, Guid? userId, int size, FileStatus? status = null, FileType? type = null, bool includeDeleted = false,
        (DateTimeOffset CreatedAt, Guid Id)? after = null, CancellationToken cancellationToken = default)
    {
        var page = new List<StoredFile>(size);
        await foreach (var file in Page.For(db)(db, userId, status, type, includeDeleted, after?.CreatedAt, after?.Id, size).WithCancellation(cancellationToken))
        {
            page.Add(file);
        }

        return page;
    }

    /// <summary>The copies of a file at providers, oldest first.</summary>
    public static Task<List<ProviderUpload>> ProviderUploadsOfAsync(this DomainDbContext db, Guid fileId, CancellationToken cancellationToken = default)
        => db.ProviderUploads.AsNoTracking().Where(u => u.FileId == fileId).OrderBy(u => u.CreatedAt).ThenBy(u => u.Id).ToListAsync(cancellationToken);

    /// <summary>The files attached to a conversation, in the order they were attached: what the conversation knows of its files.</summary>
    public static Task<List<AttachedFile>> ConversationFilesAsync(this DomainDbContext db, Guid conversationId, CancellationToken cancellationToken = default)
        => (from attachment in db.ConversationFiles.AsNoTracking()
            join file in db.Files.AsNoTracking() on new { Id = attachment.FileId, attachment.UserId } equals new { file.Id, file.UserId }
            where attachment.ConversationId == conversationId
            orderby attachment.AttachedAt, attachment.FileId
            select new AttachedFile(attachment.ConversationId, attachment.AttachedAt, file))
            .ToListAsync(cancellationToken);

    /// <summary>
    /// The orphans the caller may see (<see cref="FileOrphans"/>), at most <paramref name="limit"/> of each kind, oldest
    /// first; <paramref name="quietSince"/> is the end of the grace period (files created or opened since are not orphans).
    /// </summary>
    public static async Task<FileOrphans> FindFileOrphansAsync(
        this DomainDbContext db, DateTimeOffset quietSince, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var unreferenced = await db.Files.AsNoTracking()
            .Where(f => (f.Status == FileStatus.Uploaded || f.Status == FileStatus.Ready)
                && f.CreatedAt < quietSince
                && (f.LastAccessedAt == null || f.LastAccessedAt < quietSince)
                && !db.ConversationFiles.Any(a => a.FileId == f.Id && a.UserId == f.UserId))
            .OrderBy(f => f.CreatedAt).ThenBy(f => f.Id)
            .Take(limit)
            .ToListAsync(cancellationToken);
        var stuck = await db.Files.AsNoTracking()
            .Where(f => f.Status == FileStatus.Uploaded && f.CreatedAt < quietSince)
            .OrderBy(f => f.CreatedAt).ThenBy(f => f.Id)
            .Take(limit)
            .ToListAsync(cancellationToken);
        var uploads = await db.ProviderUploads.AsNoTracking()
            .Where(u => u.Status == ProviderUploadStatus.Active
                && db.Files.Any(f => f.Id == u.FileId && f.UserId == u.UserId && (f.Status == FileStatus.Deleting || f.Status == FileStatus.Deleted)))
            .OrderBy(u => u.CreatedAt).ThenBy(u => u.Id)
            .Take(limit)
            .ToListAsync(cancellationToken);
        return new FileOrphans(unreferenced, stuck, uploads);
    }
}
