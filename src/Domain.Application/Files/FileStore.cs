using Domain.Application.Common;
using Domain.Application.Files.Access;
using Domain.Conversations;
using Domain.Files;
using Domain.Persistence;
using Domain.Persistence.Errors;
using Domain.Persistence.Files;
using FluentValidation;
using Mapster;
using Microsoft.EntityFrameworkCore;

namespace Domain.Application.Files;

/// <summary>
/// Use cases of the StoredFile aggregate (seed 001's document operations, seed 004's <c>SupabaseFileSync</c>), each acting
/// for one caller through <see cref="RequestPipeline"/>: the request is validated before the database is touched, and
/// RLS decides what the caller reaches. A file or conversation the caller may not see is "not found". Removing a file's
/// bytes is the deletion queue's work (<see cref="RequestDeletionAsync"/>).
/// </summary>
public sealed class FileStore(RequestPipeline pipeline, TimeProvider clock, TypeAdapterConfig mapping, FileAccessRecorder accesses)
{
    /// <summary>
    /// Registers a file whose bytes are in storage (seed 001's <c>create_document</c>). Unless the request allows a copy,
    /// a file of the caller's with the same SHA-256 that is still in use is returned instead, with
    /// <see cref="RegisteredFileDto.AlreadyStored"/> set, and nothing is written; two concurrent registrations of the
    /// same content end with one file. A file registered with a copy allowed while the caller holds the content already
    /// is marked <see cref="FileDto.IsCopy"/>.
    /// </summary>
    /// <exception cref="UniqueViolationException">Another file not yet deleted has the storage path
    /// (<see cref="FileIndexes.StoragePath"/>). Nothing was written.</exception>
    public Task<RegisteredFileDto> RegisterAsync(Caller caller, RegisterFileRequest request, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, request, async (context, r, ct) =>
        {
            var userId = RequireUser(caller);
            var details = new FileDetails(r.StoragePath, r.OriginalName, r.MimeType, r.SizeBytes, r.Sha256, r.FileType, r.Metadata);
            var now = Now();
            var candidate = StoredFile.Register(userId, details, now);
            var existing = await context.FindFileByContentAsync(userId, candidate.Sha256);
            if (existing is not null && !r.AllowCopy)
            {
                return new RegisteredFileDto(existing.Adapt<FileDto>(mapping), AlreadyStored: true);
            }

            var file = existing is null ? candidate : StoredFile.Register(userId, details, now, isCopy: true);
            context.Files.Add(file);
            try
            {
                await context.SaveChangesAsync(ct);
            }
            catch (UniqueViolationException ex) when (ex.ConstraintName == FileIndexes.OriginalContent)
            {
                // A concurrent registration of the same content committed first.
                context.ChangeTracker.Clear();
                if (!r.AllowCopy)
                {
                    var winner = await context.FindFileByContentAsync(userId, candidate.Sha256)
                        ?? throw new InvalidOperationException($"File content {candidate.Sha256} was registered concurrently but cannot be read.", ex);
                    return new RegisteredFileDto(winner.Adapt<FileDto>(mapping), AlreadyStored: true);
                }

                file = StoredFile.Register(userId, details, now, isCopy: true);
                context.Files.Add(file);
                await context.SaveChangesAsync(ct);
            }

            return new RegisteredFileDto(file.Adapt<FileDto>(mapping), AlreadyStored: false);
        }, cancellationToken);

    /// <summary>
    /// The caller's file in use with this content (SHA-256 in hexadecimal), to ask before uploading bytes that are
    /// already stored; null when there is none.
    /// </summary>
    public Task<FileDto?> FindByContentAsync(Caller caller, string sha256, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, async (context, _) =>
        {
            ArgumentNullException.ThrowIfNull(sha256);
            if (FileRules.Sha256Problem(sha256) is { } problem)
            {
                throw new ValidationException($"sha256 {problem}.");
            }

            var userId = RequireUser(caller);
            return (await context.FindFileByContentAsync(userId, sha256.ToLowerInvariant()))?.Adapt<FileDto>(mapping);
        }, cancellationToken);

    /// <summary>The file whose copy at <paramref name="provider"/> has that provider's id (seed 004 names files by it); null when none the caller may see.</summary>
    public Task<FileDto?> FindByProviderFileIdAsync(Caller caller, string provider, string providerFileId, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, async (context, ct) =>
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(provider);
            ArgumentException.ThrowIfNullOrWhiteSpace(providerFileId);
            return (await context.FindFileByProviderFileIdAsync(provider.Trim().ToLowerInvariant(), providerFileId.Trim(), ct))?.Adapt<FileDto>(mapping);
        }, cancellationToken);

    /// <summary>The file; null when it does not exist or the caller may not see it. Not counted as an access (see <see cref="OpenAsync"/>).</summary>
    public Task<FileDto?> GetAsync(Caller caller, Guid fileId, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, async (context, _) => (await context.FindFileAsync(fileId))?.Adapt<FileDto>(mapping), cancellationToken);

    /// <summary>
    /// The file, for a caller about to read its bytes: the access is counted. Counting costs the caller no database
    /// work: <see cref="FileAccessRecorder"/> coalesces accesses in memory and writes them in one statement per flush.
    /// </summary>
    /// <exception cref="NotFoundException">No such file, or not the caller's.</exception>
    public Task<FileDto> OpenAsync(Caller caller, Guid fileId, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, async (context, _) =>
        {
            var file = await context.FindFileAsync(fileId) ?? throw new NotFoundException(nameof(StoredFile), fileId);
            if (file.IsAvailable)
            {
                accesses.Record(file.Id);
            }

            return file.Adapt<FileDto>(mapping);
        }, cancellationToken);

    /// <summary>
    /// One page of files newest first (seed 001's <c>get_user_documents</c>), filtered by status and type; pass
    /// <see cref="ListFilesRequest.NextPage"/> for the next. A user pages through their own; admins and the service role
    /// through every one RLS shows them.
    /// </summary>
    public Task<IReadOnlyList<FileDto>> ListAsync(Caller caller, ListFilesRequest request, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, request, async (context, r, ct) =>
        {
            var page = await context.FilePageAsync(
                caller.UserId, r.PageSize, r.Status, r.FileType, r.IncludeDeleted, r.After is { } after ? (after.CreatedAt, after.Id) : null, ct);
            return (IReadOnlyList<FileDto>)page.Adapt<List<FileDto>>(mapping);
        }, cancellationToken);

    /// <summary>The copies of the file at providers, oldest first.</summary>
    /// <exception cref="NotFoundException">No such file, or not the caller's.</exception>
    public Task<IReadOnlyList<ProviderUploadDto>> GetProviderUploadsAsync(Caller caller, Guid fileId, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, async (context, ct) =>
        {
            var uploads = await context.ProviderUploadsOfAsync(fileId, ct);
            if (uploads.Count == 0 && await context.FindFileAsync(fileId) is null)
            {
                throw new NotFoundException(nameof(StoredFile), fileId);
            }

            return (IReadOnlyList<ProviderUploadDto>)uploads.Adapt<List<ProviderUploadDto>>(mapping);
        }, cancellationToken);

    /// <summary>
    /// Records a copy of the file that the application uploaded to a provider (seed 004's <c>sync_moonshot_file</c>).
    /// Recording the same copy of the same file again returns it (retries are safe).
    /// </summary>
    /// <exception cref="UniqueViolationException">The provider's file id is already recorded for another file. Nothing was written.</exception>
    /// <exception cref="Domain.Common.DomainException">The file is deleting or deleted (<c>file.deleting</c>, <c>file.deleted</c>).</exception>
    public Task<ProviderUploadDto> RecordProviderUploadAsync(
        Caller caller, Guid fileId, RecordProviderUploadRequest request, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, request, async (context, r, ct) =>
        {
            RequireUser(caller);
            var file = await context.Files.AsNoTracking().Include(f => f.ProviderUploads).SingleOrDefaultAsync(f => f.Id == fileId, ct)
                ?? throw new NotFoundException(nameof(StoredFile), fileId);
            var known = file.ProviderUploads.Count;
            var upload = file.RecordProviderUpload(new ProviderUploadDetails(r.Provider, r.ProviderFileId, r.Purpose, r.ExpiresAt), Now());
            if (file.ProviderUploads.Count == known)
            {
                return upload.Adapt<ProviderUploadDto>(mapping);
            }

            context.ProviderUploads.Add(upload);
            try
            {
                await context.SaveChangesAsync(ct);
            }
            catch (UniqueViolationException ex) when (ex.ConstraintName == FileIndexes.ProviderFileId)
            {
                context.ChangeTracker.Clear();
                var recorded = await context.ProviderUploads.AsNoTracking()
                    .SingleOrDefaultAsync(u => u.Provider == upload.Provider && u.ProviderFileId == upload.ProviderFileId, ct);
                if (recorded?.FileId == fileId)
                {
                    return recorded.Adapt<ProviderUploadDto>(mapping);
                }

                throw new UniqueViolationException(
                    $"The {upload.Provider} file id '{upload.ProviderFileId}' is already recorded for another file: a provider's file id names one "
                    + "copy. Nothing was saved.",
                    ex.ConstraintName,
                    ex);
            }
            catch (ReferenceViolationException ex)
            {
                throw new NotFoundException(nameof(StoredFile), fileId, ex);
            }

            return upload.Adapt<ProviderUploadDto>(mapping);
        }, cancellationToken);

    /// <summary>The application has processed the file: uploaded → ready.</summary>
    public Task<FileDto> MarkReadyAsync(Caller caller, Guid fileId, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, (context, ct) => MoveAsync(context, caller, fileId, f => f.MarkReady(), ct), cancellationToken);

    /// <summary>
    /// Asks for the file to be removed everywhere it lives (seed 004's <c>delete_file_bidirectional</c>): in one
    /// statement the file goes deleting, its copies go deleting, and the database queues one deletion job for the stored
    /// bytes and one per copy; the deletion workers do the rest, and the file becomes deleted when every job has
    /// succeeded. Asking again for a file already deleting or deleted changes nothing.
    /// </summary>
    public Task<FileDto> RequestDeletionAsync(Caller caller, Guid fileId, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, (context, ct) => MoveAsync(context, caller, fileId, f => f.RequestDeletion(), ct), cancellationToken);

    /// <summary>
    /// Moves the file to the status asked for (seed 001's <c>update_document_status</c>): ready or deleting, as
    /// <see cref="MarkReadyAsync"/> and <see cref="RequestDeletionAsync"/> do; its current status changes nothing.
    /// </summary>
    /// <exception cref="Domain.Common.DomainException">Any other move (<c>file.status_transition</c>): a file never goes back
    /// to uploaded or ready, and only the deletion queue marks it deleted. Nothing was written.</exception>
    public Task<FileDto> ChangeStatusAsync(Caller caller, Guid fileId, ChangeFileStatusRequest request, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, request, (context, r, ct) => MoveAsync(context, caller, fileId, f => f.ChangeStatus(r.Status), ct), cancellationToken);

    /// <summary>Replaces the metadata of a file in use.</summary>
    public Task<FileDto> ReplaceMetadataAsync(Caller caller, Guid fileId, ReplaceFileMetadataRequest request, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, request, async (context, r, ct) =>
        {
            var file = await context.FindFileAsync(fileId) ?? throw new NotFoundException(nameof(StoredFile), fileId);
            var status = file.Status;
            file.ReplaceMetadata(r.Metadata);
            var written = caller.IsAnonymous ? 0 : await context.Files.Where(f => f.Id == fileId && f.Status == status)
                .ExecuteUpdateAsync(u => u.SetProperty(f => f.Metadata, file.Metadata), ct);
            return await ReloadAsync(context, caller, fileId, written, ct);
        }, cancellationToken);

    /// <summary>
    /// Attaches the caller's file to the caller's conversation (seed 004's <c>conversation_files</c>); attaching it again
    /// returns the attachment. A conversation or file of another user is not found, whatever its id.
    /// </summary>
    /// <exception cref="Domain.Common.DomainException">The conversation is archived, or the file is deleting or deleted.</exception>
    public Task<AttachedFileDto> AttachAsync(Caller caller, Guid conversationId, Guid fileId, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, async (context, ct) =>
        {
            RequireUser(caller);
            var conversation = await context.Conversations.AsNoTracking()
                .Include(c => c.Files.Where(a => a.FileId == fileId))
                .SingleOrDefaultAsync(c => c.Id == conversationId, ct)
                ?? throw new NotFoundException(nameof(Conversation), conversationId);
            var file = await context.FindFileAsync(fileId) ?? throw new NotFoundException(nameof(StoredFile), fileId);
            var known = conversation.Files.Count;
            var attachment = conversation.AttachFile(file, Now());
            if (conversation.Files.Count == known)
            {
                return new AttachedFileDto(conversationId, attachment.AttachedAt, file.Adapt<FileDto>(mapping));
            }

            context.ConversationFiles.Add(attachment);
            try
            {
                await context.SaveChangesAsync(ct);
            }
            catch (UniqueViolationException ex) when (ex.ConstraintName == FileIndexes.Attachment)
            {
                // Attached concurrently: return that attachment.
                context.ChangeTracker.Clear();
                var attached = await context.ConversationFiles.AsNoTracking().SingleAsync(a => a.ConversationId == conversationId && a.FileId == fileId, ct);
                return new AttachedFileDto(conversationId, attached.AttachedAt, file.Adapt<FileDto>(mapping));
            }
            catch (ReferenceViolationException ex)
            {
                throw new NotFoundException($"Conversation {conversationId} or file {fileId} was removed meanwhile; nothing was attached.", ex);
            }

            return new AttachedFileDto(conversationId, attachment.AttachedAt, file.Adapt<FileDto>(mapping));
        }, cancellationToken);

    /// <summary>Detaches the file from the conversation, in one statement; false when it was not attached (or not the caller's). The file stays.</summary>
    public Task<bool> DetachAsync(Caller caller, Guid conversationId, Guid fileId, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, async (context, ct) => !caller.IsAnonymous
            && await context.ConversationFiles.Where(a => a.ConversationId == conversationId && a.FileId == fileId).ExecuteDeleteAsync(ct) == 1,
            cancellationToken);

    /// <summary>The files attached to the conversation, in the order they were attached: the files the conversation knows.</summary>
    /// <exception cref="NotFoundException">No such conversation, or not the caller's.</exception>
    public Task<IReadOnlyList<AttachedFileDto>> ListConversationFilesAsync(Caller caller, Guid conversationId, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, async (context, ct) =>
        {
            var attached = await context.ConversationFilesAsync(conversationId, ct);
            if (attached.Count == 0 && !await context.Conversations.AnyAsync(c => c.Id == conversationId, ct))
            {
                throw new NotFoundException(nameof(Conversation), conversationId);
            }

            return (IReadOnlyList<AttachedFileDto>)attached.Adapt<List<AttachedFileDto>>(mapping);
        }, cancellationToken);

    /// <summary>
    /// The orphans the caller may see (seed 004's <c>identify_orphaned_files</c>; see <see cref="FileOrphansDto"/>): a
    /// user their own, the service role (<c>domain files orphans</c>) everyone's.
    /// </summary>
    public Task<FileOrphansDto> FindOrphansAsync(Caller caller, FindOrphansRequest request, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, request, async (context, r, ct) =>
        {
            var quietSince = Now() - (r.GracePeriod ?? FindOrphansRequest.DefaultGracePeriod);
            return (await context.FindFileOrphansAsync(quietSince, r.Limit, ct)).Adapt<FileOrphansDto>(mapping);
        }, cancellationToken);

    /// <summary>
    /// Applies <paramref name="change"/> to the file as it is, then writes the new status in one statement that holds
    /// only while the status is still the one the change started from (the database's trigger checks the move again and
    /// queues the deletion jobs). The file is read back with the times the database set.
    /// </summary>
    private async Task<FileDto> MoveAsync(DomainDbContext context, Caller caller, Guid fileId, Action<StoredFile> change, CancellationToken cancellationToken)
    {
        var file = await context.FindFileAsync(fileId) ?? throw new NotFoundException(nameof(StoredFile), fileId);
        var from = file.Status;
        change(file);
        if (file.Status == from)
        {
            return file.Adapt<FileDto>(mapping);
        }

        var to = file.Status;
        var written = caller.IsAnonymous ? 0 : await context.Files.Where(f => f.Id == fileId && f.Status == from)
            .ExecuteUpdateAsync(u => u.SetProperty(f => f.Status, to), cancellationToken);
        return await ReloadAsync(context, caller, fileId, written, cancellationToken);
    }

    /// <summary>The file after a one-statement write; when the write changed nothing, why: gone, another user's, or changed meanwhile.</summary>
    private async Task<FileDto> ReloadAsync(DomainDbContext context, Caller caller, Guid fileId, int written, CancellationToken cancellationToken)
    {
        var file = await context.FindFileAsync(fileId) ?? throw new NotFoundException(nameof(StoredFile), fileId);
        if (written == 1)
        {
            return file.Adapt<FileDto>(mapping);
        }

        if (caller.UserId is { } userId && file.UserId != userId)
        {
            throw new RlsViolationException($"File {fileId} belongs to another user; only its owner may change it. Nothing was saved.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        throw new ConcurrencyConflictException($"File {fileId} changed while it was being changed ({file.Status} now); nothing was saved. Retry.");
    }

    /// <summary>Now, to the microsecond PostgreSQL keeps, so what a write returns is what a later read returns.</summary>
    private DateTimeOffset Now()
    {
        var now = clock.GetUtcNow();
        return now.AddTicks(-(now.Ticks % (TimeSpan.TicksPerMillisecond / 1_000)));
    }

    private static Guid RequireUser(Caller caller)
        => caller.UserId ?? throw new ValidationException($"Only a signed-in user can own files; the caller is {caller}.");
}
